"""Synthetic directory data: the toolkit shared by the demo directory and the national generator.

Concept map (the entry points stay where callers find them: ``directory.demo.directory_demo_load``
for the demo, ``directory.simulation.directory_synthetic_load`` for benchmarks):

- ``places``: ``Place``, a commune held in memory (code, territories, postal code, population,
  point), loaded in one query by ``places_load``; ``distance_km`` / ``nearest`` / ``centroid``,
  the geometry used to split territories between the sites of a network;
- ``catalogue``: per network, the services a site offers (``CATALOGUE``, ``services_choose``,
  ``service_build``) and how the network looks on the ground (``Profile``, ``PROFILES``);
- ``sites``: the plausible, clearly fictitious details of a site (``site_values``,
  ``point_near``) and the French ``de`` before a place name;
- ``demo_plan``: the demo directory of the three demo régions, planned in memory (``_Plan``)
  before ``directory.demo`` writes it.
"""
