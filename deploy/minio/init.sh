#!/bin/sh
# Prepares MinIO for Offsite with the root account, then never uses it again: the bucket (with object lock and a
# default retention when S3_OBJECT_LOCK_DAYS is set), one policy and one user per service that talks to the bucket.
# Every step is idempotent: run again after changing a key in .env to rotate it (the user's secret is replaced).
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${S3_BUCKET:?}"
: "${BACKUP_WORKER_S3_ACCESS_KEY:?}" "${BACKUP_WORKER_S3_SECRET_KEY:?}"
: "${ROTATION_WORKER_S3_ACCESS_KEY:?}" "${ROTATION_WORKER_S3_SECRET_KEY:?}"
: "${SCHEDULER_SERVICE_S3_ACCESS_KEY:?}" "${SCHEDULER_SERVICE_S3_SECRET_KEY:?}"
LOCK_DAYS="${S3_OBJECT_LOCK_DAYS:-}"
POLICIES="${POLICIES:-/etc/offsite/minio}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mc alias set offsite http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" > /dev/null

if [ -n "$LOCK_DAYS" ]; then
  # object lock can only be switched on when the bucket is created; it turns versioning on
  mc mb --ignore-existing --with-lock offsite/"$S3_BUCKET"
  mc retention set --default COMPLIANCE "${LOCK_DAYS}d" offsite/"$S3_BUCKET"
  # a delete by the rotation worker leaves a delete marker over the locked version: remove such noncurrent versions
  # (MinIO keeps every one until its retention ends) and the markers left alone after them
  if ! mc ilm rule ls offsite/"$S3_BUCKET" > /dev/null 2>&1; then
    mc ilm rule add --noncurrent-expire-days "$LOCK_DAYS" --expire-delete-marker offsite/"$S3_BUCKET"
  fi
else
  mc mb --ignore-existing offsite/"$S3_BUCKET"
fi

setup_user() { # worker access-key secret-key
  sed "s/\${S3_BUCKET}/$S3_BUCKET/g" "$POLICIES/$1.json" > "$WORK/$1.json"
  mc admin policy create offsite "offsite-$1" "$WORK/$1.json" > /dev/null
  mc admin user add offsite "$2" "$3" > /dev/null
  if ! mc admin user info offsite "$2" | grep -q "offsite-$1"; then
    mc admin policy attach offsite "offsite-$1" --user "$2" > /dev/null
  fi
  echo "user $2 has policy offsite-$1"
}

setup_user backup-worker "$BACKUP_WORKER_S3_ACCESS_KEY" "$BACKUP_WORKER_S3_SECRET_KEY"
setup_user rotation-worker "$ROTATION_WORKER_S3_ACCESS_KEY" "$ROTATION_WORKER_S3_SECRET_KEY"
# the scheduler lists the bucket for backup statistics and health, and reads nothing but .verified sidecars
setup_user scheduler-service "$SCHEDULER_SERVICE_S3_ACCESS_KEY" "$SCHEDULER_SERVICE_S3_SECRET_KEY"
echo "bucket $S3_BUCKET ready${LOCK_DAYS:+ (object lock, COMPLIANCE ${LOCK_DAYS} days)}"
