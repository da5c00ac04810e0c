#!/usr/bin/env bash
# PostgreSQL roles and databases, least privilege (docker-compose.yml mounts this into
# /docker-entrypoint-initdb.d/, so the postgres image runs it once, as the superuser, when its
# volume is first created). The superuser is used for nothing else.
#
#   assistant_tracker    owns the database "tracker" (Rasa's tracker store: Rasa creates its
#                        events table at start). Used by the Rasa replicas only.
#   assistant_enquiries  owns the database "enquiries" (enquiries and their outbox; Alembic
#                        migrates it). Used by the action servers, the migration, the worker
#                        and the admin tool.
#   assistant_eraser     in "tracker": SELECT, UPDATE, DELETE on the tables assistant_tracker
#                        creates (no INSERT, no DDL). Used by the worker and the admin tool to
#                        erase conversations, purge old ones and empty abandoned form values.
#
# No role can connect to the other database. Passwords come from the postgres container's
# environment (TRACKER_DB_PASSWORD, ENQUIRIES_DB_PASSWORD, TRACKER_ERASER_PASSWORD).
# Safe to run again (psql as the superuser, same variables): roles and databases are created
# only if missing, and passwords and grants are set again. On a volume made before these roles
# existed, run it once by hand, then give the old tables to their owners, e.g. in "tracker":
# ALTER TABLE events OWNER TO assistant_tracker; ALTER SEQUENCE events_id_seq OWNER TO
# assistant_tracker; GRANT SELECT, UPDATE, DELETE ON events TO assistant_eraser; and in
# "enquiries" the same ALTER ... OWNER TO assistant_enquiries for each table and sequence.
set -eo pipefail  # no -u: the postgres image may source this file into its entrypoint

: "${TRACKER_DB_PASSWORD:?set TRACKER_DB_PASSWORD}"
: "${ENQUIRIES_DB_PASSWORD:?set ENQUIRIES_DB_PASSWORD}"
: "${TRACKER_ERASER_PASSWORD:?set TRACKER_ERASER_PASSWORD}"

run_psql() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" "$@"
}

run_psql --dbname "${POSTGRES_DB:-postgres}" \
  -v tracker_password="$TRACKER_DB_PASSWORD" \
  -v enquiries_password="$ENQUIRIES_DB_PASSWORD" \
  -v eraser_password="$TRACKER_ERASER_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE assistant_tracker' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_tracker')\gexec
SELECT 'CREATE ROLE assistant_enquiries' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_enquiries')\gexec
SELECT 'CREATE ROLE assistant_eraser' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'assistant_eraser')\gexec
ALTER ROLE assistant_tracker WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'tracker_password';
ALTER ROLE assistant_enquiries WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'enquiries_password';
ALTER ROLE assistant_eraser WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'eraser_password';

SELECT 'CREATE DATABASE tracker OWNER assistant_tracker' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tracker')\gexec
SELECT 'CREATE DATABASE enquiries OWNER assistant_enquiries' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'enquiries')\gexec
ALTER DATABASE tracker OWNER TO assistant_tracker;
ALTER DATABASE enquiries OWNER TO assistant_enquiries;
-- Only the owner (and, for the tracker, the eraser) may connect.
REVOKE ALL ON DATABASE tracker FROM PUBLIC;
REVOKE ALL ON DATABASE enquiries FROM PUBLIC;
GRANT CONNECT ON DATABASE tracker TO assistant_eraser;
SQL

run_psql --dbname tracker <<'SQL'
-- The events table does not exist yet (Rasa creates it as assistant_tracker): grant ahead.
ALTER DEFAULT PRIVILEGES FOR ROLE assistant_tracker IN SCHEMA public
  GRANT SELECT, UPDATE, DELETE ON TABLES TO assistant_eraser;
GRANT SELECT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO assistant_eraser;
SQL
