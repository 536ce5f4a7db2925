"""Articles for the reader tests: invented news stories, and a helper wrapping one in a web page.

A plain module (not a conftest) so tests import the texts by name.
"""
from __future__ import annotations

import html

COUNCIL = (
    "The Riverton city council voted on Tuesday to suspend a planned increase in bus fares after more "
    "than two hundred residents packed a public hearing to oppose it. Council members said the transit "
    "authority must first publish an independent audit of its spending before any new fares can take "
    "effect.\n"
    "Mayor Dana Whitfield, who had backed the increase, told reporters that she accepted the decision "
    "but warned that the service faced a deficit of nearly six million dollars by the end of the year. "
    "The transit workers' union welcomed the vote and called for talks with the city on long-term "
    "funding. A new hearing is expected in the spring, once the audit has been reviewed by the finance "
    "committee."
)

FARMERS = (
    "Several thousand farmers drove tractors into the centre of Castelmare on Friday to protest against "
    "new limits on water use during the summer drought. Police closed the main bridge into the old town "
    "for most of the afternoon as the convoy stretched for several kilometres along the coastal road.\n"
    "Leaders of the regional farmers' association said the limits would ruin this year's harvest and "
    "demanded compensation from the provincial government. The provincial water minister, Luca "
    "Benedetti, agreed to meet a delegation next week but said the restrictions would remain in place "
    "until reservoir levels recovered. No arrests were reported, and the protest ended peacefully in "
    "the evening."
)

DOCKERS = (
    "Dock workers at the port of Halvik began a 48-hour strike on Monday after talks over pay and shift "
    "patterns broke down late on Sunday night. The port authority said dozens of container ships were "
    "waiting offshore and warned that deliveries of fuel and food to the northern islands could be "
    "delayed.\n"
    "The dockers' union accused the operating company of refusing to discuss safety staffing, while the "
    "company said it had offered a rise of five percent over two years. The transport minister urged "
    "both sides to return to mediation and said the government was ready to appoint an independent "
    "arbitrator if no agreement was reached by Wednesday."
)

ELECTION = (
    "The electoral commission of Norvania confirmed on Sunday that the governing Unity Party had lost "
    "its majority in parliament for the first time in sixteen years. Opposition leader Marta Kowell "
    "said she would begin talks with two smaller parties about forming a coalition government before "
    "the end of the month.\n"
    "International observers described the vote as orderly but criticised the state broadcaster for "
    "giving far more airtime to the governing party during the campaign. Prime Minister Anton Reyes "
    "conceded defeat in a short televised address and thanked his supporters, adding that his party "
    "would act as a responsible opposition."
)

# Written for these tests: a German council story, to be recognised and skipped.
GERMAN = (
    "Der Gemeinderat von Lindenau hat am Donnerstagabend nach einer langen und hitzigen Debatte "
    "beschlossen, das alte Hallenbad im Stadtzentrum zu schließen. Die Bürgermeisterin erklärte, die "
    "Sanierung würde mehr als acht Millionen Euro kosten und sei für die Stadt derzeit nicht "
    "finanzierbar. Zahlreiche Schwimmvereine und Eltern kündigten an, ein Bürgerbegehren gegen die "
    "Entscheidung zu starten, damit die Kinder auch künftig im eigenen Ort schwimmen lernen können."
)


def web_page(text: str, title: str, *, head: str = "", site: str = "The Harbour Gazette") -> str:
    """A news page as sites make them: the article amid a cookie banner, menus, links and a footer."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n"))
    menu = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>'
                   for s in ("Home", "Politics", "Business", "Sport", "Weather", "Opinion", "Podcasts"))
    related = "".join(f'<li><a href="/story/{i}">{t}</a></li>' for i, t in enumerate(
        ("Storm closes the coastal road for a second day", "School board elects a new chair",
         "Harbour festival draws record crowds", "Five things to do this weekend")))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{site}">
{head}
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button> <button>Manage preferences</button></div>
<header><nav class="main-menu"><ul>{menu}</ul></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
<div class="byline">By Staff Reporter</div>
{paragraphs}
</article>
<aside class="related"><h3>Most read</h3><ul>{related}</ul></aside></main>
<footer><p>Copyright 2024 {site}. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a> <a href="/contact">Contact us</a></footer>
</body></html>"""

