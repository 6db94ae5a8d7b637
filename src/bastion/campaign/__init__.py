"""Monte Carlo campaigns: many seeded replications of a scenario over a grid of parameters.

    plan = plan_campaign(scenario, [parse_vary("raids[0].count=6,12")], runs=100, campaign_seed=1)
    with connect(None, n_workers=4) as client:            # or connect("tcp://host:8786")
        outcome = run_campaign(client, plan, Path("campaigns/hmeimim"))
    analysis = analyse(Path("campaigns/hmeimim"))          # means and 95% intervals

The client is created at the edge (``connect``, the CLI) and handed to ``run_campaign``.
"""

from bastion.campaign.analysis import CampaignAnalysis, analyse
from bastion.campaign.cluster import connect
from bastion.campaign.plan import CampaignPlan, Combination, RunTask, plan_campaign
from bastion.campaign.replication import flatten_summary, run_replication
from bastion.campaign.results import make_row, read_results
from bastion.campaign.runner import CampaignOutcome, run_campaign
from bastion.campaign.seeds import replication_seeds
from bastion.campaign.vary import Variation, parse_vary

__all__ = [
    "CampaignAnalysis",
    "CampaignOutcome",
    "CampaignPlan",
    "Combination",
    "RunTask",
    "Variation",
    "analyse",
    "connect",
    "flatten_summary",
    "make_row",
    "parse_vary",
    "plan_campaign",
    "read_results",
    "replication_seeds",
    "run_campaign",
    "run_replication",
]
