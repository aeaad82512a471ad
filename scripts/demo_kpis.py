"""The demo's closing KPI table from the marts: `python demo_kpis.py FILE` (with dbt-duckdb's Python).

Over every day loaded: per campaign the attempts and their results; per agent the occupancy and the
voice and digital effectiveness; per skill the inbound service level, ASA and abandonment. Ratios
are recomputed from the marts' counts and seconds (a mean of daily ratios would weigh a quiet day
like a busy one). Agent and skill names are the operation's, not customer data.
"""

import sys

import duckdb

CAMPAIGNS = """
select campaign_id, sum(attempts) as attempts,
       string_agg(result || ' ' || attempts, ', ' order by attempts desc, result) as results
from (select campaign_id, result, sum(attempts) as attempts from analytics.campaign_result_daily group by all)
group by campaign_id order by campaign_id
"""
AGENTS = """
select agent_id, coalesce(max(agent_name), ''), round(sum(logged_seconds) / 3600, 1),
       sum(talk_seconds + acw_seconds) / nullif(sum(talk_seconds + acw_seconds + ready_seconds), 0),
       sum(calls), sum(calls_effective) / nullif(sum(calls_contact), 0),
       sum(chats), sum(chats_effective) / nullif(sum(chats - chats_uncoded), 0)
from analytics.agent_daily group by agent_id order by agent_id
"""
SKILLS = """
select skill_id, coalesce(max(skill_name), ''), sum(offered),
       sum(answered_within_sl) / nullif(sum(offered), 0),
       sum(asa_seconds * answered) / nullif(sum(answered), 0),
       sum(abandoned) / nullif(sum(offered), 0)
from analytics.inbound_interval group by skill_id order by skill_id
"""
DAYS = "select min(local_date), max(local_date) from analytics.agent_daily"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    cells = [header, *[tuple(str(cell) for cell in row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]


def main(path: str) -> None:
    with duckdb.connect(path, read_only=True) as connection:
        first, last = connection.sql(DAYS).fetchall()[0]
        campaigns = connection.sql(CAMPAIGNS).fetchall()
        agents = connection.sql(AGENTS).fetchall()
        skills = connection.sql(SKILLS).fetchall()
    print(f"\n== KPIs from the marts (schema analytics), local dates {first} .. {last}")
    print("Campaigns (campaign_result_daily):")
    print("\n".join(table(("campaign", "attempts", "results"), [(c, f"{a:,}", r) for c, a, r in campaigns])))
    print("Agents (agent_daily):")
    rows = [
        (a, n, h, percent(o), f"{calls:,}", percent(ve), f"{chats:,}", percent(de))
        for a, n, h, o, calls, ve, chats, de in agents
    ]
    header = ("agent", "name", "hours", "occupancy", "calls", "voice eff.", "chats", "digital eff.")
    print("\n".join(table(header, rows)))
    print("Inbound (inbound_interval, service level: answered within service_level_seconds / offered):")
    rows = [
        (s, n, f"{o:,}", percent(sl), "-" if asa is None else f"{asa:.0f} s", percent(ab))
        for s, n, o, sl, asa, ab in skills
    ]
    print("\n".join(table(("skill", "name", "offered", "service level", "ASA", "abandoned"), rows)))


if __name__ == "__main__":
    main(sys.argv[1])
