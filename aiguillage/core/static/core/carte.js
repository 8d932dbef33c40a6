// Web-tile map, only when the deployment configures a tile server (AIGUILLAGE_TUILES_URL).
// The static SVG map stays in the page for people without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-carte-tuiles]").forEach(function (el) {
    if (typeof L === "undefined") return;
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el).setView([lat, lon], 13);
    L.tileLayer(el.dataset.tuiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    L.marker([lat, lon], { title: el.dataset.titre, alt: el.dataset.titre }).addTo(map);
    el.hidden = false;
    var svg = document.getElementById(el.dataset.remplace);
    if (svg) svg.hidden = true;
  });
});
