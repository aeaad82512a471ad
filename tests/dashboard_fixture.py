"""A small warehouse with the analytics marts the dashboard reads, for its tests.

`contract_only=True` gives only the six marts of issue 21's contract; otherwise it adds what the dashboard
asks the models for on top (operation_daily, activity_hourly, the share columns of agent_daily).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

DAY, PREVIOUS = "2026-03-01", "2026-02-28"

CONTRACT = f"""
create schema analytics;
create table analytics.agent_daily as select * from (values
  ('1001', 'Ana Muñoz', date '{DAY}', 28800, 15984, 7200, 2400, 600, 2616, 0.37524,
   40, 4, 20, 9, 0.45, 12, 1, 6, 0.5454545),
  ('1002', 'Bruno Díaz', date '{DAY}', 27000, 5400, 9000, 2700, 900, 9000, 0.68421,
   30, 12, 20, 1, 0.05, 0, 0, 0, null),
  ('1003', 'Carla Ruiz', date '{DAY}', 25200, 4800, 12000, 3600, 1200, 3600, 0.7647,
   35, 2, 25, 10, 0.4, 10, 2, 5, 0.625),
  ('1001', 'Ana Muñoz', date '{PREVIOUS}', 28000, 8000, 12000, 4000, 800, 3200, 0.6667,
   38, 3, 19, 8, 0.42105, 10, 1, 5, 0.5555556)
) as t(agent_id, agent_name, local_date, logged_seconds, ready_seconds, talk_seconds, acw_seconds,
       ring_seconds, aux_seconds, occupancy, calls, calls_uncoded, calls_contact, calls_effective,
       voice_effectiveness, chats, chats_uncoded, chats_effective, digital_effectiveness);
create table analytics.agent_status_daily as select * from (values
  ('1001', date '{DAY}', 'READY', 15984, 30), ('1001', date '{DAY}', 'TALK', 7200, 40),
  ('1001', date '{DAY}', 'BREAK', 2616, 3), ('1002', date '{DAY}', 'LUNCH', 9000, 1)
) as t(agent_id, local_date, agent_status, seconds, intervals);
create table analytics.inbound_interval as select * from (values
  ('101', 'Cobranza', timestamp '{DAY} 08:00', 10, 9, 1, 7, 0.7, 14.5, 0.1),
  ('101', 'Cobranza', timestamp '{DAY} 08:30', 12, 12, 0, 11, 0.9166667, 9.25, 0.0),
  ('102', 'Servicio', timestamp '{DAY} 09:00', 8, 6, 2, 4, 0.5, 31.0, 0.25),
  ('101', 'Cobranza', timestamp '{PREVIOUS} 08:00', 9, 9, 0, 9, 1.0, 5.0, 0.0)
) as t(skill_id, skill_name, interval_start_local, offered, answered, abandoned, answered_within_sl,
       service_level, asa_seconds, abandon_rate);
create table analytics.campaign_daily as select * from (values
  ('7', date '{DAY}', 120, 80), ('7', date '{PREVIOUS}', 95, 70), ('8', date '{DAY}', 40, 33)
) as t(campaign_id, local_date, attempts, distinct_telephones);
create table analytics.campaign_result_daily as select * from (values
  ('7', date '{DAY}', 'Contestada', 70), ('7', date '{DAY}', 'No contesta', 50),
  ('7', date '{PREVIOUS}', 'Contestada', 60), ('7', date '{PREVIOUS}', 'Ocupado', 35),
  ('8', date '{DAY}', 'Contestada', 40)
) as t(campaign_id, local_date, result, attempts);
create table analytics.chat_daily as select * from (values
  ('whatsapp', date '{DAY}', 18, 2, 9, 412.5, 21.25), ('webchat', date '{DAY}', 4, 1, 2, 300.0, 12.0),
  ('whatsapp', date '{PREVIOUS}', 10, 1, 5, 380.0, 18.0)
) as t(channel, local_date, chats, uncoded, effective, avg_duration_seconds, avg_asa_seconds);
"""

EXTRAS = f"""
create table analytics.operation_daily as select * from (values
  (date '{DAY}', 30, 27, 3, 22, 0.7333333, 17.648, 0.1, 0.61234, 0.32432, 0.58621, 160),
  (date '{PREVIOUS}', 9, 9, 0, 9, 1.0, 5.0, 0.0, 0.6667, 0.42105, 0.5555556, 95)
) as t(local_date, offered, answered, abandoned, answered_within_sl, service_level, asa_seconds, abandon_rate,
       occupancy, voice_effectiveness, digital_effectiveness, attempts);
create table analytics.activity_hourly as
  select date '{DAY}' as local_date, h as local_hour, (h * 7) % 13 as calls, (h * 5) % 7 as chats
  from range(24) as r(h);
alter table analytics.agent_daily add column ready_share double;
alter table analytics.agent_daily add column aux_share double;
alter table analytics.agent_daily add column calls_uncoded_share double;
alter table analytics.agent_daily add column chats_uncoded_share double;
update analytics.agent_daily set ready_share = ready_seconds / logged_seconds,
  aux_share = aux_seconds / logged_seconds, calls_uncoded_share = calls_uncoded / calls,
  chats_uncoded_share = case when chats > 0 then chats_uncoded / chats end;
"""


def make_marts(path: Path, contract_only: bool = False) -> Path:
    with duckdb.connect(str(path)) as db:
        db.execute(CONTRACT)
        if not contract_only:
            db.execute(EXTRAS)
    return path
