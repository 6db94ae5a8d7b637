"""Bastion: open counter-drone air defence for a fixed site.

The pipeline (see docs and DESIGN.md): scenario -> world -> sensors -> tracking -> classify ->
threat -> assign -> engage, with every record appended to an event log.
"""

__version__ = "0.1.0"
