#!/bin/sh
# The roles the Offsite workers use, none a superuser. The postgres image runs this once, when it initialises an
# empty data volume (mounted into /docker-entrypoint-initdb.d). For a volume initialised before, run it by hand:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-offsite-roles.sh
#   offsite_backup       reads every table (pg_read_all_data) for pg_dump; writes nothing
#   offsite_verify       CREATEDB only: verification restores dumps into a scratch database it owns, so a planted
#                        dump's COPY ... TO PROGRAM or server-file access is refused
#   offsite_replication  creates the replica tables in the public schema of POSTGRES_DB and owns them; nothing else
#                        (POSTGRES_USER, the application, keeps every privilege but DDL on them)
set -eu
psql -X -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v backup_password="$POSTGRES_BACKUP_PASSWORD" \
    -v verify_password="$POSTGRES_VERIFY_PASSWORD" \
    -v replication_password="$POSTGRES_REPLICATION_PASSWORD" \
    -v app_user="$POSTGRES_USER" <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT 'CREATE ROLE offsite_backup LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
    WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'offsite_backup') \gexec
SELECT 'CREATE ROLE offsite_verify LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION'
    WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'offsite_verify') \gexec
SELECT 'CREATE ROLE offsite_replication LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
    WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'offsite_replication') \gexec
ALTER ROLE offsite_backup PASSWORD :'backup_password';
ALTER ROLE offsite_verify PASSWORD :'verify_password';
ALTER ROLE offsite_replication PASSWORD :'replication_password';
GRANT pg_read_all_data TO offsite_backup;
GRANT USAGE, CREATE ON SCHEMA public TO offsite_replication;
-- the application keeps reading and writing the replica it does not own
ALTER DEFAULT PRIVILEGES FOR ROLE offsite_replication IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO :"app_user";
ALTER DEFAULT PRIVILEGES FOR ROLE offsite_replication IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"app_user";
SQL
