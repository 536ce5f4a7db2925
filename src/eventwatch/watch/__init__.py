"""Watch: watchlists over the stored events, the alerts they raise, the notifiers that deliver
them, and the daemon that polls feeds (the last step of DESIGN.md's data flow).

- `watchlists`: the YAML format, parsed into conditions that say why an event matches;
- `borders`: country shapes (Natural Earth), neighbours and distances to borders;
- `alerts`: matching newly stored events, once per story, and delivering with retries;
- `notify`: the log, webhook and e-mail notifiers;
- `daemon`: ``eventwatch watch``, polling feeds on a schedule.
"""
