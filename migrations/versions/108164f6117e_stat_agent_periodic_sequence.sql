-- revision: 108164f6117e
-- down_revision: 52bd5977c09d
-- message: stat_agent_periodic_id_seq follows the highest id of stat_agent_periodic

-- 14.07's statistics daemon inserted ids of its own, leaving the sequence
-- behind them. On an empty table max(id) is NULL and setval, being strict,
-- leaves the sequence as it is.
SELECT pg_catalog.setval('public.stat_agent_periodic_id_seq', max(id))
  FROM public.stat_agent_periodic;
