"""The ledger in a database (SQLite or PostgreSQL): models, migrations and the functions the web app,
the JSON API and the CLI call.

- `db`: engines, sessions, migrations (`open_database`, `Database`, `upgrade`);
- `items`: `get_item`, `list_items`, `act`, `item_history`, `create_item`, `progress_reports`, `instructions`;
- `instructions`: leaders' 批示 across items (a leader's own list, a unit's 领导批示) with the units' answers;
- `documents`: `get_document`, `list_documents` (ingest itself is `luoshi.ingest`);
- `orgs`: the organisation directory and the people seen for each unit;
- `users`: `create_user`, `authenticate`, tokens, `actor_for`;
- `reminders`: reminders (催办) per unit and what became of sending them;
- `evidence`: evidence files (佐证材料) on progress reports and completion applications, the evidence rule;
- `outbox`: notification channels per unit, the outbox of notices, the scheduler and the workers' claim;
- `escalation`: 督办通知 and 约谈 per unit, and every unit's count of each escalation step;
- `audit`: the hash-chained audit log and `verify_audit`.
"""
