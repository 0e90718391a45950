#!/usr/bin/env python3
"""Offsite example client: requests a backup over Kafka and waits for its outcome, as another system would.

Uses only the shipped schemas (schemas/avsc/*.avsc) and two Debian packages:
python3-confluent-kafka and python3-avro. No schema registry is involved.

  offsite_client.py backup JOB --source SOURCE    publish a JobRequested, print the JobStarted/JobCompleted
  offsite_client.py fingerprints                  print each shipped schema's fingerprint
  offsite_client.py decode < hex                  decode single-object encoded events given as hex lines

Every Offsite event is Avro single-object encoded: the bytes C3 01, the writer schema's CRC-64-AVRO fingerprint as
8 little-endian bytes, then the Avro binary encoding. The fingerprint is computed here, over the schema's Parsing
Canonical Form as the Avro specification defines it. python3-avro 1.11's own `canonical_form` keeps attributes of
primitive types ({"type":"long"} for a timestamp-millis, {"type":"string"} for a string with avro.java.string) and
so gives another fingerprint than every other Avro library: do not use it for the header.

Exit codes: 0 the run SUCCEEDED; 1 it ended with another status; 2 bad usage or configuration, refused
credentials, unreachable cluster; 3 no outcome within the timeout.
"""

import argparse
import datetime
import io
import json
import logging
import os
import sys
import time
import uuid

import avro.errors
import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

REQUEST_TOPIC = "offsite.requests.backup"
JOB_EVENTS_TOPIC = "offsite.job-events"
MAGIC = b"\xc3\x01"
HEADER_LENGTH = 10
EVENTS = ("JobRequested", "JobStarted", "JobCompleted")
DEFAULT_SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "avsc")


# librdkafka's own log lines (connection attempts and the like) are shown with --verbose only; errors that end the
# client reach it through the error callback and are reported in one line
LIBRDKAFKA_LOG = logging.getLogger("librdkafka")
LIBRDKAFKA_LOG.addHandler(logging.NullHandler())
LIBRDKAFKA_LOG.propagate = False


class UsageError(Exception):
    """Bad options or configuration: exit 2 with the message."""


# --- Parsing Canonical Form and CRC-64-AVRO, as the Avro specification defines them -------------------------------

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAMED = {"record", "error", "enum", "fixed"}


def canonical_form(schema_json):
    """The Parsing Canonical Form of a schema given as parsed JSON: only name, type, fields, symbols, items, values
    and size are kept, in that order; names are full names; a primitive type is its bare name; no white space."""
    seen = set()

    def full(name, namespace):
        return name if "." in name or not namespace else namespace + "." + name

    def walk(s, namespace):
        if isinstance(s, str):
            return s if s in PRIMITIVES else full(s, namespace)
        if isinstance(s, list):
            return [walk(branch, namespace) for branch in s]
        kind = s["type"]
        if isinstance(kind, (dict, list)):
            return walk(kind, namespace)
        if kind in PRIMITIVES:
            return kind
        if kind in NAMED:
            name = full(s["name"], s.get("namespace", namespace))
            if name in seen:
                return name
            seen.add(name)
            inner = name.rpartition(".")[0]
            out = {"name": name, "type": kind}
            if kind == "enum":
                out["symbols"] = list(s["symbols"])
            elif kind == "fixed":
                out["size"] = s["size"]
            else:
                out["fields"] = [{"name": f["name"], "type": walk(f["type"], inner)} for f in s["fields"]]
            return out
        if kind == "array":
            return {"type": "array", "items": walk(s["items"], namespace)}
        if kind == "map":
            return {"type": "map", "values": walk(s["values"], namespace)}
        return full(kind, namespace)

    return json.dumps(walk(schema_json, None), separators=(",", ":"), ensure_ascii=False)


EMPTY64 = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (EMPTY64 & -(_fp & 1))
    _TABLE.append(_fp)


def crc64_avro(data):
    """The 64-bit Rabin fingerprint Avro calls CRC-64-AVRO."""
    fp = EMPTY64
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


class Event:
    """One shipped schema: its parsed form, fingerprint and single-object header."""

    def __init__(self, name, text):
        self.name = name
        self.json = json.loads(text)
        self.schema = avro.schema.parse(text)
        self.canonical = canonical_form(self.json)
        self.fingerprint = crc64_avro(self.canonical.encode("utf-8"))
        self.header = MAGIC + self.fingerprint.to_bytes(8, "little")
        # what python3-avro's own canonical form would give: shown by `fingerprints` to make the pitfall visible
        self.library_fingerprint = crc64_avro(self.schema.canonical_form.encode("utf-8"))

    def encode(self, datum):
        buffer = io.BytesIO()
        avro.io.DatumWriter(self.schema).write(datum, avro.io.BinaryEncoder(buffer))
        return self.header + buffer.getvalue()


class Schemas:
    """The shipped schemas, looked up by fingerprint when decoding."""

    def __init__(self, folder):
        self.by_name = {}
        for name in EVENTS:
            path = os.path.join(folder, name + ".avsc")
            try:
                with open(path, encoding="utf-8") as f:
                    self.by_name[name] = Event(name, f.read())
            except OSError as e:
                raise UsageError(f"cannot read the schema {path}: {e.strerror}; pass --schemas DIR "
                                 f"(the schemas/avsc folder of Offsite)") from e
        self.by_fingerprint = {e.fingerprint: e for e in self.by_name.values()}

    def decode(self, value):
        """(event name, record) of a single-object encoded value; raises ValueError when it is not one we know."""
        if value is None or len(value) < HEADER_LENGTH or value[:2] != MAGIC:
            raise ValueError("not Avro single-object encoded (no C3 01 header)")
        fingerprint = int.from_bytes(value[2:HEADER_LENGTH], "little")
        event = self.by_fingerprint.get(fingerprint)
        if event is None:
            raise ValueError(f"writer schema {fingerprint:016x} is none of the shipped schemas "
                             f"(another event or version)")
        reader = avro.io.DatumReader(event.schema, event.schema)
        return event.name, reader.read(avro.io.BinaryDecoder(io.BytesIO(value[HEADER_LENGTH:])))


# --- Kafka -----------------------------------------------------------------------------------------------------------

def kafka_config(args):
    """librdkafka settings from the options; SASL/SCRAM when a user name is given."""
    config = {"bootstrap.servers": args.bootstrap_servers}
    protocol = args.security_protocol
    if args.username or args.password:
        if not (args.username and args.password):
            raise UsageError("give both --username and --password (or KAFKA_USERNAME and KAFKA_PASSWORD)")
        protocol = protocol or "SASL_PLAINTEXT"
        if not protocol.startswith("SASL_"):
            raise UsageError(f"credentials were given but --security-protocol is {protocol}: "
                             "use SASL_PLAINTEXT or SASL_SSL")
        config.update({"sasl.mechanism": args.sasl_mechanism, "sasl.username": args.username,
                       "sasl.password": args.password})
    elif protocol and protocol.startswith("SASL_"):
        raise UsageError(f"--security-protocol {protocol} needs --username and --password "
                         "(or KAFKA_USERNAME and KAFKA_PASSWORD)")
    config["security.protocol"] = protocol or "PLAINTEXT"
    if args.ssl_ca_location:
        config["ssl.ca.location"] = args.ssl_ca_location
    return config


class Failures:
    """Errors librdkafka reports in the background; authentication and unreachable brokers end the client."""

    def __init__(self):
        self.fatal = None
        self.all_down_since = None

    def __call__(self, error):
        code = error.code()
        if code in (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED,
                    KafkaError.TOPIC_AUTHORIZATION_FAILED, KafkaError.GROUP_AUTHORIZATION_FAILED) or error.fatal():
            self.fatal = f"Kafka refused the client: {error.str()}"
        elif code == KafkaError._ALL_BROKERS_DOWN and self.all_down_since is None:
            self.all_down_since = time.monotonic()

    def check(self, bootstrap, grace=10.0):
        if self.fatal:
            raise UsageError(self.fatal + " (check --username/--password, --sasl-mechanism and --security-protocol)")
        if self.all_down_since is not None and time.monotonic() - self.all_down_since > grace:
            raise UsageError(f"no Kafka broker answers at {bootstrap}: is Offsite running? "
                             "(set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)")


def watch_job_events(config, failures, timeout):
    """A consumer of the job-events topic positioned at its current end, so no answer to our request is missed."""
    consumer = Consumer(dict(config, **{
        "group.id": "offsite-client-" + uuid.uuid4().hex,  # required by the library; offsets are never committed
        "enable.auto.commit": False,
        "error_cb": failures,
        "logger": LIBRDKAFKA_LOG,
    }))
    deadline = time.monotonic() + timeout
    problem = f"topic {JOB_EVENTS_TOPIC} not found"
    while True:
        try:
            metadata = consumer.list_topics(JOB_EVENTS_TOPIC, timeout=2)
            topic = metadata.topics.get(JOB_EVENTS_TOPIC)
            if topic is not None and topic.error is None and topic.partitions:
                break
            if topic is not None and topic.error is not None and topic.error.code() != KafkaError.UNKNOWN_TOPIC_OR_PART:
                raise UsageError(f"cannot read {JOB_EVENTS_TOPIC}: {topic.error.str()}")
        except KafkaException as e:
            problem = f"cannot read the topics: {e.args[0].str() if e.args else e}"
        consumer.poll(0.2)  # serves the error callback
        failures.check(config["bootstrap.servers"])
        if time.monotonic() > deadline:
            consumer.close()
            raise UsageError(f"{problem} at {config['bootstrap.servers']}: is Offsite running there?")
    partitions = []
    for p in sorted(topic.partitions):
        _, high = consumer.get_watermark_offsets(TopicPartition(JOB_EVENTS_TOPIC, p), timeout=10)
        partitions.append(TopicPartition(JOB_EVENTS_TOPIC, p, high))
    consumer.assign(partitions)
    return consumer


def publish(config, failures, topic, key, value, timeout):
    producer = Producer(dict(config, **{"acks": "all", "error_cb": failures, "logger": LIBRDKAFKA_LOG}))
    result = {}

    def delivered(error, message):
        result["error"] = error
        result["where"] = (message.partition(), message.offset())

    producer.produce(topic, key=key.encode("utf-8"), value=value, on_delivery=delivered)
    deadline = time.monotonic() + timeout
    while "error" not in result:
        producer.poll(0.2)
        failures.check(config["bootstrap.servers"])
        if time.monotonic() > deadline:
            raise UsageError(f"the request was not acknowledged by {config['bootstrap.servers']} within {timeout:.0f}s")
    if result["error"] is not None:
        raise UsageError(f"publishing to {topic} failed: {result['error'].str()}")
    return result["where"]


# --- Commands --------------------------------------------------------------------------------------------------------

def utc_now_millis():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def parse_instant(text):
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise UsageError(f"--scheduled-for {text!r} is no ISO-8601 instant, e.g. 2025-01-15T00:00:00Z") from e
    if value.tzinfo is None:
        raise UsageError(f"--scheduled-for {text!r} has no time zone: end it with Z or an offset")
    return value.astimezone(datetime.timezone.utc)


def iso(instant):
    if instant is None:
        return "-"
    return instant.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def request_backup(args, schemas):
    parameters = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param {item!r} is not key=value")
        parameters[key] = value
    if args.source:
        parameters["source"] = args.source
    scheduled_for = parse_instant(args.scheduled_for) if args.scheduled_for else utc_now_millis()
    requested_at = utc_now_millis()
    run_id = args.run_id or f"{args.job}@{iso(scheduled_for)}"
    request = {
        "runId": run_id,
        "jobName": args.job,
        "jobType": "BACKUP",
        "attempt": 1,
        "maxAttempts": 1,
        "trigger": "EXTERNAL",
        "scheduledFor": scheduled_for,
        "requestedAt": requested_at,
        "deadline": requested_at + datetime.timedelta(seconds=args.timeout),
        "causationRunId": None,
        "requestedBy": args.requested_by,
        "parameters": parameters,
    }
    event = schemas.by_name["JobRequested"]
    value = event.encode(request)
    config = kafka_config(args)
    failures = Failures()
    deadline = time.monotonic() + args.timeout
    consumer = watch_job_events(config, failures, args.timeout)
    try:
        topic = REQUEST_TOPIC
        partition, offset = publish(config, failures, topic, args.job, value, max(1.0, deadline - time.monotonic()))
        print(f"published JobRequested runId={run_id} to {topic} (partition {partition}, offset {offset}), "
              f"header {value[:HEADER_LENGTH].hex(' ')}", flush=True)
        return await_outcome(consumer, schemas, failures, config, run_id, deadline, args.timeout)
    finally:
        consumer.close()


def await_outcome(consumer, schemas, failures, config, run_id, deadline, timeout):
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        failures.check(config["bootstrap.servers"])
        if message is None:
            continue
        if message.error():
            if message.error().code() != KafkaError._PARTITION_EOF:
                print(f"warning: {message.error().str()}", file=sys.stderr)
            continue
        try:
            name, record = schemas.decode(message.value())
        except (ValueError, EOFError, avro.errors.AvroException) as e:
            print(f"skipped a record at {message.topic()}/{message.partition()}@{message.offset()}: {e}", file=sys.stderr)
            continue
        if record.get("runId") != run_id:
            continue
        if name == "JobStarted":
            print(f"started: attempt {record['attempt']} on {record['worker']} at {iso(record['startedAt'])}", flush=True)
        elif name == "JobCompleted":
            return report(record)
    print(f"no JobCompleted for runId={run_id} on {JOB_EVENTS_TOPIC} within {timeout:.0f}s: is a backup worker "
          f"running? (the request stays on the topic and a worker that starts later still answers it)", file=sys.stderr)
    return 3


def report(record):
    print(f"completed: {record['status']} (runId={record['runId']}, attempt {record['attempt']}, "
          f"worker {record['worker']}, finished {iso(record['finishedAt'])})")
    if record.get("message"):
        print(f"message: {record['message']}")
    for artifact in record["artifacts"]:
        print(f"stored: s3://{artifact['bucket']}/{artifact['key']} ({artifact['sizeBytes']} bytes, "
              f"{artifact['compression']}, sha256 {artifact['sha256']})")
    if record.get("error"):
        print(f"error: {record['error']['type']}: {record['error']['message']}"
              f"{' (retryable)' if record['retryable'] else ''}")
    sys.stdout.flush()
    return 0 if record["status"] == "SUCCEEDED" else 1


def show_fingerprints(schemas):
    for event in schemas.by_name.values():
        note = ""
        if event.library_fingerprint != event.fingerprint:
            note = (f"  (python3-avro's canonical_form would give {event.library_fingerprint:016x}: "
                    f"it keeps attributes of primitive types)")
        print(f"{event.schema.fullname} {event.fingerprint:016x} header {event.header.hex(' ')}{note}")
    return 0


def to_json(value):
    if isinstance(value, datetime.datetime):
        return iso(value)
    raise TypeError(repr(value))


def decode_hex_lines(schemas, lines):
    """Decodes events given as hex (spaces allowed), one per line; lines starting with # are ignored."""
    count = 0
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            value = bytes.fromhex(line)
        except ValueError:
            raise UsageError(f"not hex: {line[:40]}...")
        name, record = schemas.decode(value)
        print(json.dumps({"event": name, "record": record}, default=to_json, sort_keys=True))
        count += 1
    if count == 0:
        raise UsageError("no hex-encoded event on standard input")
    return 0


def main(argv=None):
    env = os.environ.get
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--schemas", default=env("OFFSITE_SCHEMAS", DEFAULT_SCHEMAS),
                        help="folder of the shipped .avsc files (default: schemas/avsc of this checkout)")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    backup = commands.add_parser("backup", parents=[common], help="request a run and wait for its outcome")
    backup.add_argument("job", help="job name, the record key (e.g. backup-database)")
    backup.add_argument("--source", help="the configured source to back up (parameter source)")
    backup.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="another job parameter")
    backup.add_argument("--scheduled-for", help="the instant the run stands for, ISO-8601 (default now)")
    backup.add_argument("--run-id", help="idempotency key (default JOB@SCHEDULED_FOR)")
    backup.add_argument("--requested-by", default="offsite-python-client")
    backup.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the outcome (default 120)")
    backup.add_argument("--bootstrap-servers", default=env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    backup.add_argument("--security-protocol", default=env("KAFKA_SECURITY_PROTOCOL"),
                        choices=["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"],
                        help="default PLAINTEXT, or SASL_PLAINTEXT when credentials are given")
    backup.add_argument("--sasl-mechanism", default=env("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                        choices=["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"])
    backup.add_argument("--username", default=env("KAFKA_USERNAME"))
    backup.add_argument("--password", default=env("KAFKA_PASSWORD"),
                        help="prefer KAFKA_PASSWORD: a command line is visible to other users")
    backup.add_argument("--ssl-ca-location", default=env("KAFKA_SSL_CA_LOCATION"))
    backup.add_argument("--verbose", action="store_true", help="show librdkafka's log")

    commands.add_parser("fingerprints", parents=[common], help="print each shipped schema's fingerprint")
    commands.add_parser("decode", parents=[common], help="decode hex-encoded events read from standard input")

    args = parser.parse_args(argv)
    try:
        schemas = Schemas(args.schemas)
        if args.command == "fingerprints":
            return show_fingerprints(schemas)
        if args.command == "decode":
            return decode_hex_lines(schemas, sys.stdin)
        if args.verbose:
            LIBRDKAFKA_LOG.addHandler(logging.StreamHandler(sys.stderr))
        if args.timeout <= 0:
            raise UsageError("--timeout must be positive")
        return request_backup(args, schemas)
    except UsageError as e:
        print(f"offsite_client: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"offsite_client: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
