"""Coverage analysis of a scenario's sensors (``bastion coverage``): Pd maps per sensor and
fused, warning times along the raid routes, and the gaps named in words."""

from bastion.coverage.analysis import Coverage, analyse
from bastion.coverage.report import print_coverage, write_coverage

__all__ = ["Coverage", "analyse", "print_coverage", "write_coverage"]
