/* The map page: Natural Earth countries as a GeoJSON basemap, events as clustered circles. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var errorBox = document.getElementById("map-error");
  function fail(message) {
    errorBox.hidden = false;
    errorBox.textContent = message;
  }
  if (!box) return;
  if (typeof window.L === "undefined" || typeof window.topojson === "undefined" || !L.markerClusterGroup) {
    fail("The map's libraries could not be loaded (run scripts/web-assets.sh to install them).");
    return;
  }
  var ew = window.eventwatch;
  var map = L.map(box, {worldCopyJump: true, minZoom: 1, maxZoom: 12}).setView([20, 10], 2);
  map.attributionControl.addAttribution("Countries: Natural Earth");
  fetch(box.dataset.basemap).then(function (r) {
    if (!r.ok) throw new Error("basemap: HTTP " + r.status);
    return r.json();
  }).then(function (world) {
    var countries = topojson.feature(world, world.objects.countries);
    L.geoJSON(countries, {style: {color: "#8a99a8", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1}})
      .addTo(map).bringToBack();
  }).catch(function (err) { fail("The basemap could not be loaded: " + err.message); });
  var cluster = L.markerClusterGroup({maxClusterRadius: 40});
  map.addLayer(cluster);
  fetch(box.dataset.points).then(function (r) {
    if (!r.ok) throw new Error("events: HTTP " + r.status);
    return r.json();
  }).then(function (fc) {
    var esc = ew.escapeHtml;
    var layer = L.geoJSON(fc, {
      pointToLayer: function (feature, latlng) {
        var c = ew.colour(feature.properties.type);
        return L.circleMarker(latlng, {className: "event-marker", radius: 7, color: "#333", weight: 1, fillColor: c, fillOpacity: 0.85});
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        marker.bindPopup(
          "<strong>" + esc(p.type) + "</strong> " + esc(p.day || p.date || "") + "<br>" +
          esc(p.source_name || "?") + (p.target_name ? " → " + esc(p.target_name) : "") + "<br>" +
          esc(p.location_name || "") + "<br>" +
          '<a class="event-link" href="/articles/' + encodeURIComponent(p.article_id) + "#" +
          encodeURIComponent(p.local_id) + '">' + esc(p.trigger_text) + "</a>");
      }
    });
    cluster.addLayer(layer);
    if (fc.features.length) map.fitBounds(cluster.getBounds(), {maxZoom: 6, padding: [20, 20]});
  }).catch(function (err) { fail("The events could not be loaded: " + err.message); });
})();
