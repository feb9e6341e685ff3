#!/usr/bin/env python3
"""Check a Letopis export, signed checkpoints and proofs without Letopis.

Written from docs/log-format.md alone: it imports nothing of Letopis, only the
Python standard library and the `cryptography` package (for Ed25519).

usage: verify-export.py [EXPORT.jsonl] [--public-key KEY] [--proof PROOF.json ...]
                        [--checkpoint CHECKPOINT.json ...] [--keep-checkpoint FILE]
                        [--cosignature COSIGNATURE.json ...] [--allow-unsigned-from]
                        [--schemas DIR] [--quiet]

  EXPORT.jsonl        the output of `letopis export` (one or more schools)
  --public-key KEY    the school's published public key: a PEM file, a file or a
                      string holding base64 of the 32 raw bytes, or 64 hex digits.
                      Without it the key the export names is used, with a warning:
                      anyone can sign with a key of their own.
  --proof FILE        an inclusion or consistency proof (`letopis proof`); may repeat
  --checkpoint FILE   a checkpoint you kept (from an earlier export, proof or report);
                      may repeat. The export must extend it: its Merkle root at the
                      checkpoint's size must be the one you hold, and an export that
                      ends before that size was cut. Proofs of its size are checked
                      against it instead of the checkpoint they carry.
  --cosignature FILE  a witness's cosignature of a school checkpoint (the district's,
                      an auditor's, a parent committee's: docs/log-format.md, "Witness
                      cosignatures"); may repeat. Its signature must check with the key
                      it names (compare that key with the one the witness published),
                      and the export's root at its size must be the one it cosigned: a
                      log rewritten after it was witnessed is refused, whoever re-signed it.
  --allow-unsigned-from
                      accept a consistency proof whose old root no checkpoint signs
                      (it then proves only that the newer tree extends that root)
  --keep-checkpoint FILE
                      when everything checks out, write the export's signed checkpoint
                      to FILE (one school's export only), to give with --checkpoint
                      next time
  --schemas DIR       the event catalog (*.proto) to check each readable payload
                      against its stored bytes; default: ../schemas next to this
                      script when it is there (else payloads are not checked)

Checks, for each school in the export: the event lines run from `from` to `to`
without a gap; each event's stored bytes hash to its hash and link to the event
before; every readable field equals what the stored bytes hold (the payload too,
decoded with the schemas); the Merkle root
recomputed from the file (and the prefix subtrees) equals the root the school
signed; the checkpoint's Ed25519 signature; that the export extends every
checkpoint you kept (--checkpoint) and every cosignature given (--cosignature). Exit status: 0 when everything
checks out, 1 when anything does not (each failure is named), 2 for bad usage.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import json
import struct
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # pragma: no cover
    sys.stderr.write("verify-export.py needs the Python package 'cryptography' (pip install cryptography)\n")
    sys.exit(2)

EPOCH = datetime.datetime(1970, 1, 1)
ZERO = bytes(32)


class Rejected(Exception):
    """A check that failed: the message says which and why."""


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf(event_hash):
    return sha256(b"\x00" + event_hash)


def node(left, right):
    return sha256(b"\x01" + left + right)


def unhex(text, what):
    try:
        raw = bytes.fromhex(text)
    except (TypeError, ValueError):
        raise Rejected("%s is not hex: %r" % (what, text))
    if len(raw) != 32 or text != raw.hex():
        raise Rejected("%s is not 64 lowercase hex digits: %r" % (what, text))
    return raw


# -- one event ---------------------------------------------------------------

def parse_stored(stored):
    """The fields of a stored value: previous hash ‖ canonical ‖ hash."""
    if len(stored) < 32 + 47 + 6 * 4 + 32:
        raise Rejected("the stored value is only %d bytes" % len(stored))
    canonical = stored[32:-32]
    fmt, sequence = canonical[0], struct.unpack(">Q", canonical[1:9])[0]
    event_id = canonical[9:25]
    recorded, effective = struct.unpack(">qi", canonical[25:37])
    stream_version, schema_version = struct.unpack(">QH", canonical[37:47])
    position, texts = 47, []
    for index in range(6):
        if position + 4 > len(canonical):
            raise Rejected("a field runs past the end of the stored value")
        (length,) = struct.unpack(">I", canonical[position:position + 4])
        position += 4
        if position + length > len(canonical):
            raise Rejected("a field runs past the end of the stored value")
        texts.append(canonical[position:position + length])
        position += length
        if index < 5 and length > 255:
            raise Rejected("a text field is longer than 255 bytes")
    if position != len(canonical):
        raise Rejected("%d stray bytes after the payload" % (len(canonical) - position))
    payload = texts[5]
    if not payload or len(payload) > 65536:
        raise Rejected("the payload is empty or longer than 65,536 bytes")
    try:
        school, stream, etype, user, role = (t.decode("utf-8") for t in texts[:5])
    except UnicodeDecodeError:
        raise Rejected("a text field is not UTF-8")
    return {
        "format": fmt, "sequence": sequence, "id": event_id, "recordedAt": recorded, "effectiveDate": effective,
        "streamVersion": stream_version, "schemaVersion": schema_version, "school": school, "stream": stream,
        "type": etype, "user": user, "role": role, "previousHash": stored[:32], "hash": stored[-32:],
        "payload": payload,
    }


def uuid_text(raw):
    h = raw.hex()
    return "%s-%s-%s-%s-%s" % (h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])


def iso_micros(micros):
    moment = EPOCH + datetime.timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % moment.microsecond


def iso_day(days):
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=days)).isoformat()


def check_event(line, expected_sequence, previous_hash, catalog=None):
    """Checks one event line; returns its hash."""
    try:
        stored = base64.b64decode(line["stored"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        raise Rejected("event #%s: no valid base64 'stored'" % line.get("sequence"))
    fields = parse_stored(stored)
    seq = fields["sequence"]
    if sha256(stored[:-32]) != fields["hash"]:
        raise Rejected("event #%d: its stored bytes do not hash to its hash (changed after it was written)" % seq)
    if fields["format"] != 1:
        raise Rejected("event #%d: unknown format byte %d" % (seq, fields["format"]))
    if seq != expected_sequence:
        raise Rejected("event #%d found where #%d was expected (an event removed or reordered)" % (seq, expected_sequence))
    if previous_hash is not None and fields["previousHash"] != previous_hash:
        raise Rejected("event #%d: its previous hash is not the hash of #%d" % (seq, seq - 1))
    readable = {
        "sequence": seq, "id": uuid_text(fields["id"]), "recordedAt": iso_micros(fields["recordedAt"]),
        "effectiveDate": iso_day(fields["effectiveDate"]), "streamVersion": fields["streamVersion"],
        "schemaVersion": fields["schemaVersion"], "school": fields["school"], "stream": fields["stream"],
        "type": fields["type"], "actor": {"user": fields["user"], "role": fields["role"]},
        "previousHash": fields["previousHash"].hex(), "hash": fields["hash"].hex(),
    }
    for key, value in readable.items():
        if line.get(key) != value:
            raise Rejected("event #%d: its '%s' says %r but its stored bytes hold %r" % (seq, key, line.get(key), value))
    if catalog is not None and "payload" in line and fields["type"] in catalog.messages:
        payload = catalog.to_json(fields["type"], fields["payload"])
        if line["payload"] != payload:
            raise Rejected("event #%d: its 'payload' says %s but its stored bytes hold %s"
                           % (seq, json.dumps(line["payload"], ensure_ascii=False, sort_keys=True),
                              json.dumps(payload, ensure_ascii=False, sort_keys=True)))
    return fields


# -- the payload: the catalog's *.proto, decoded as the protobuf JSON mapping ---

class Catalog:
    """The messages and enums of proto3 files, enough to decode the event catalog."""

    SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
               "double", "float", "fixed32", "fixed64", "sfixed32", "sfixed64"}

    def __init__(self, directory):
        import glob
        import os
        import re
        self.messages, self.enums = {}, {}
        for path in sorted(glob.glob(os.path.join(directory, "*.proto"))):
            with open(path, "r", encoding="utf-8") as handle:
                text = re.sub(r"//[^\n]*", "", handle.read())
            tokens = re.findall(r'"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*|-?[0-9]+|[{}=;<>,\[\]()]', text)
            self._parse(tokens, 0, len(tokens), "")
        if not self.messages:
            raise Rejected("no *.proto files in %s" % directory)

    def _parse(self, t, i, end, scope):
        while i < end:
            word = t[i]
            if word in ("message", "enum"):
                name, depth, j = t[i + 1], 0, i + 2
                while True:  # the matching closing brace
                    depth += {"{": 1, "}": -1}.get(t[j], 0)
                    j += 1
                    if depth == 0:
                        break
                full = scope + name
                if word == "enum":
                    values, k = {}, i + 3
                    while k < j - 1:
                        if t[k + 1] == "=":
                            values[int(t[k + 2])] = t[k]
                        k = t.index(";", k) + 1
                    self.enums[full] = values
                else:
                    self.messages[full] = {}
                    self._fields(t, i + 3, j - 1, full)
                i = j
            else:
                i = t.index(";", i) + 1 if ";" in t[i:end] else end

    def _fields(self, t, i, end, owner):
        while i < end:
            if t[i] in ("message", "enum"):
                depth, j = 0, i + 2
                while True:
                    depth += {"{": 1, "}": -1}.get(t[j], 0)
                    j += 1
                    if depth == 0:
                        break
                self._parse(t, i, j, owner + ".")
                i = j
                continue
            statement_end = t.index(";", i)
            words = t[i:statement_end]
            if words and words[0] not in ("reserved", "option") and "=" in words:
                repeated = words[0] == "repeated"
                kind, name, number = words[-4], words[-3], int(words[-1])
                self.messages[owner][number] = (name, kind, repeated, owner)
            i = statement_end + 1

    def resolve(self, kind, owner):
        """The full name of a type named in `owner`, looking outward from its scope."""
        scope = owner
        while True:
            candidate = (scope + "." if scope else "") + kind
            if candidate in self.messages or candidate in self.enums:
                return candidate
            if not scope:
                return kind
            scope = scope.rpartition(".")[0]

    def to_json(self, message, data):
        """`data` decoded as `message`, written as the protobuf JSON mapping: lowerCamelCase
        names, enums by name, 64-bit integers as strings, scalars at their default left out."""
        fields, out, defaults, i = self.messages[message], {}, {}, 0

        def varint():
            nonlocal i
            result = shift = 0
            while True:
                if i >= len(data):
                    raise Rejected("the payload's protobuf bytes end inside a number")
                byte = data[i]
                i += 1
                result |= (byte & 0x7F) << shift
                if not byte & 0x80:
                    return result
                shift += 7

        while i < len(data):
            key = varint()
            number, wire = key >> 3, key & 7
            if wire == 0:
                raw = varint()
            elif wire in (1, 5):
                size = 8 if wire == 1 else 4
                raw, i = data[i:i + size], i + size
            elif wire == 2:
                length = varint()
                raw, i = data[i:i + length], i + length
            else:
                raise Rejected("the payload holds wire type %d" % wire)
            if number not in fields:
                continue  # a field this catalog does not know
            name, kind, repeated, owner = fields[number]
            full = self.resolve(kind, owner)
            json_name = name.split("_")[0] + "".join(part[:1].upper() + part[1:] for part in name.split("_")[1:])
            def numbers():
                return [raw] if wire == 0 else self._packed(raw)
            if full in self.messages:
                values, default = [self.to_json(full, raw)], None
            elif full in self.enums:
                values, default = [self.enums[full].get(n, n) for n in numbers()], self.enums[full].get(0)
            elif kind == "string":
                values, default = [raw.decode("utf-8")], ""
            elif kind == "bytes":
                values, default = [base64.b64encode(raw).decode()], ""
            elif kind in ("double", "float"):
                values, default = [struct.unpack("<d" if wire == 1 else "<f", raw)[0]], 0.0
            elif kind == "bool":
                values, default = [n != 0 for n in numbers()], False
            elif kind in ("int64", "sint64", "uint64"):
                signed = kind != "uint64"
                values, default = [str(n - (1 << 64) if signed and n >= 1 << 63 else n) for n in numbers()], "0"
            else:
                values, default = [n - (1 << 64) if n >= 1 << 63 else n for n in numbers()], 0
            if repeated:
                out.setdefault(json_name, []).extend(values)
            elif values:
                out[json_name] = values[-1]
                defaults[json_name] = default
        for json_name, default in defaults.items():
            value = out[json_name]
            if default is not None and type(value) is type(default) and value == default:
                del out[json_name]
        return out

    @staticmethod
    def _packed(raw):
        values, i = [], 0
        while i < len(raw):
            result = shift = 0
            while True:
                if i >= len(raw):
                    raise Rejected("a packed field of the payload ends inside a number")
                byte = raw[i]
                i += 1
                result |= (byte & 0x7F) << shift
                if not byte & 0x80:
                    break
                shift += 7
            values.append(result)
        return values


# -- the Merkle tree -----------------------------------------------------------

class Edge:
    """The perfect subtrees of a tree built from the left: (height, hash), largest first."""

    def __init__(self, size, hashes):
        heights = [h for h in range(63, -1, -1) if size >> h & 1]
        if len(heights) != len(hashes):
            raise Rejected("the prefix has %d subtree hashes; %d events before 'from' need %d"
                           % (len(hashes), size, len(heights)))
        self.nodes = list(zip(heights, hashes))

    def append(self, height, value):
        while self.nodes and self.nodes[-1][0] == height:
            _, left = self.nodes.pop()
            value = node(left, value)
            height += 1
        self.nodes.append((height, value))

    def root(self):
        if not self.nodes:
            return sha256(b"")
        acc = self.nodes[-1][1]
        for _, value in reversed(self.nodes[:-1]):
            acc = node(value, acc)
        return acc


def verify_inclusion(event_hash, sequence, tree_size, path, root):
    if not 1 <= sequence <= tree_size:
        return False
    fn, sn, r = sequence - 1, tree_size - 1, leaf(event_hash)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, first_root, second_root, path):
    if not 1 <= m <= n:
        return False
    if m == n:
        return not path and first_root == second_root
    if m & (m - 1) == 0:
        path = [first_root] + path
    if not path:
        return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


# -- checkpoints and keys ------------------------------------------------------

def load_public_key(given):
    """A PEM file, a file or string with base64 of 32 bytes, or 64 hex digits."""
    try:
        with open(given, "rb") as handle:
            text = handle.read()
    except OSError:
        text = given.encode()
    text = text.strip()
    if text.startswith(b"-----BEGIN PUBLIC KEY-----"):
        key = serialization.load_pem_public_key(text)
        if not isinstance(key, Ed25519PublicKey):
            raise Rejected("the public key is not an Ed25519 key")
        return key
    raw = None
    try:
        raw = bytes.fromhex(text.decode())
    except ValueError:
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error:
            pass
    if raw is None or len(raw) != 32:
        raise Rejected("cannot read the public key %r (PEM, base64 of 32 bytes, or 64 hex digits)" % given)
    return Ed25519PublicKey.from_public_bytes(raw)


def raw_key(key):
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_checkpoint(cp, school, size, root, key, report):
    """Checks that `cp` signs (school, size, root) with `key`."""
    if not isinstance(cp, dict) or cp.get("format") != "letopis-checkpoint-v1":
        raise Rejected("the checkpoint is not a letopis-checkpoint-v1")
    if cp.get("school") != school or cp.get("size") != size:
        raise Rejected("the checkpoint is of school %r, %r events — not of %s, %d events"
                       % (cp.get("school"), cp.get("size"), school, size))
    if unhex(cp.get("root"), "the checkpoint's root") != root:
        raise Rejected("the checkpoint signs the root %s, but the events give %s: the log was changed"
                       % (cp.get("root"), root.hex()))
    time = cp.get("time")
    if not isinstance(time, str) or len(time) != 27 or not time.endswith("Z"):
        raise Rejected("the checkpoint's time is not YYYY-MM-DDTHH:MM:SS.ffffffZ: %r" % time)
    message = "letopis checkpoint v1\nschool %s\nsize %d\nroot %s\ntime %s\n" % (school, size, root.hex(), time)
    named = None
    try:
        signature = base64.b64decode(cp.get("signature", ""), validate=True)
        named = Ed25519PublicKey.from_public_bytes(base64.b64decode(cp.get("publicKey", ""), validate=True))
    except (binascii.Error, ValueError, TypeError):
        if key is None:
            raise Rejected("the checkpoint's signature or public key is not base64 of the right length")
        signature = base64.b64decode(cp.get("signature", "") or "", validate=False)
    if key is None:
        report.warn("no --public-key: the signature was checked with the key the checkpoint names (%s); "
                    "compare it with the key the school published" % cp.get("publicKey"))
        key = named
    try:
        key.verify(signature, message.encode("utf-8"))
    except InvalidSignature:
        raise Rejected("the checkpoint's signature does not verify with the school's public key %s "
                       "(a forged or altered checkpoint)" % base64.b64encode(raw_key(key)).decode())
    return time


# -- the export ------------------------------------------------------------------

class Report:
    def __init__(self, quiet):
        self.quiet, self.failures, self.warnings = quiet, 0, []

    def ok(self, text):
        if not self.quiet:
            print("ok       " + text)

    def fail(self, text):
        self.failures += 1
        print("REJECTED " + text)

    def warn(self, text):
        if text not in self.warnings:
            self.warnings.append(text)
            print("warning  " + text)


def check_export(path, key, report, catalog=None, kept=(), cosigned=()):
    try:
        handle = open(path, "r", encoding="utf-8")
    except OSError as error:
        report.fail("cannot read %s: %s" % (path, error))
        return []
    events, line_number, sections, schools, checkpoints = [], 0, 0, set(), []
    with handle:
        for text in handle:
            line_number += 1
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except ValueError:
                report.fail("line %d is not JSON" % line_number)
                return []
            if isinstance(line, dict) and line.get("format") == "letopis-export-checkpoint-v1":
                sections += 1
                school = line.get("school")
                mine = [(name, cp) for name, cp in kept if cp.get("school") == school]
                witnessed = [(name, c) for name, c in cosigned if c.get("school") == school]
                schools.add(school)
                checkpoints.append(line.get("checkpoint"))
                try:
                    roots, trailer_key = check_section(events, line, key, report, catalog,
                                                       [cp.get("size") for _, cp in mine + witnessed])
                    check_kept(school, line, roots, trailer_key, mine, key, report)
                    check_cosigned(school, line, roots, witnessed, report)
                except Rejected as rejected:
                    report.fail("%s: %s" % (school, rejected))
                events = []
            else:
                events.append(line)
    if events:
        report.fail("%d event lines at the end have no checkpoint line after them (a cut export)" % len(events))
    if sections == 0:
        report.fail("%s holds no checkpoint line: not an export of `letopis export`" % path)
    for name, cp in kept:
        if cp.get("school") not in schools:
            report.fail("%s: you hold a checkpoint of school %r, but the export has no events of it"
                        % (name, cp.get("school")))
    for name, c in cosigned:
        if c.get("school") not in schools:
            report.fail("%s: a cosignature of school %r, but the export has no events of it" % (name, c.get("school")))
    return checkpoints


def check_section(events, trailer, key, report, catalog=None, sizes=()):
    """Checks one school's events and checkpoint line; returns the Merkle roots at
    `sizes` (those the file can give) and the key that signed its checkpoint."""
    school, first, last = trailer.get("school"), trailer.get("from"), trailer.get("to")
    if not isinstance(first, int) or not isinstance(last, int) or not 1 <= first <= last:
        raise Rejected("the checkpoint line's from/to are not a range: %r, %r" % (first, last))
    if len(events) != last - first + 1:
        raise Rejected("the file has %d events where %d … %d (%d events) were exported: an event was removed or added"
                       % (len(events), first, last, last - first + 1))
    edge = Edge(first - 1, [unhex(h, "a prefix hash") for h in trailer.get("prefix", [])])
    previous = ZERO if first == 1 else None
    roots = {first - 1: edge.root()} if first - 1 in sizes else {}
    for offset, line in enumerate(events):
        if not isinstance(line, dict):
            raise Rejected("an event line is not a JSON object")
        if line.get("school") != school:
            raise Rejected("event #%s belongs to %r, not %r" % (line.get("sequence"), line.get("school"), school))
        fields = check_event(line, first + offset, previous, catalog)
        previous = fields["hash"]
        edge.append(0, leaf(fields["hash"]))
        if first + offset in sizes:
            roots[first + offset] = edge.root()
    report.ok("%s: events %d … %d: every hash, link and field checks out%s"
              % (school, first, last, "" if catalog is not None else " (payloads not checked: no schemas)"))
    root = edge.root()
    if unhex(trailer.get("root"), "the checkpoint line's root") != root:
        raise Rejected("the events give the Merkle root %s, the export says %s" % (root.hex(), trailer.get("root")))
    report.ok("%s: Merkle root of events 1 … %d recomputed: %s" % (school, last, root.hex()))
    if trailer.get("checkpoint") is None:
        raise Rejected("the export carries no signed checkpoint: its root is not vouched for by the school")
    if key is not None and trailer.get("publicKey") and base64.b64encode(raw_key(key)).decode() != trailer["publicKey"]:
        report.warn("%s: the export names the public key %s, not the one given" % (school, trailer["publicKey"]))
    time = check_checkpoint(trailer["checkpoint"], school, last, root, key, report)
    report.ok("%s: the checkpoint of %s is signed by the school's key" % (school, time))
    return roots, trailer["checkpoint"].get("publicKey")


def check_kept(school, trailer, roots, trailer_key, kept, key, report):
    """Checks the export against the checkpoints the auditor kept of this school.
    The export's own checkpoint only vouches for what it holds: an export cut back
    to an earlier signed size is as well signed as a whole one. Only a later
    checkpoint kept from before shows the cut."""
    first, last = trailer["from"], trailer["to"]
    if not kept:
        report.warn("%s: no checkpoint of your own was given: an export cut back to an earlier signed size "
                    "cannot be told from a complete one (keep this export's checkpoint and give it with "
                    "--checkpoint next time)" % school)
        return
    for name, cp in kept:
        size = cp.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise Rejected("%s: your checkpoint's size is not a number of events: %r" % (name, size))
        root = unhex(cp.get("root"), "%s: your checkpoint's root" % name)
        time = check_checkpoint(cp, school, size, root, key, report)
        if key is None and cp.get("publicKey") != trailer_key:
            raise Rejected("%s: your checkpoint of %d events was signed by the key %s, the export's by %s: "
                           "not the same school's key" % (name, size, cp.get("publicKey"), trailer_key))
        if size > last:
            raise Rejected("the export ends at #%d but you hold a checkpoint of %d events signed %s: "
                           "events were cut (%s)" % (last, size, time, name))
        if size not in roots:
            report.warn("%s: your checkpoint of %d events ends before the export's first event #%d: the export "
                        "cannot be checked against it (export from event 1, or ask for a consistency proof)"
                        % (school, size, first))
            continue
        if roots[size] != root:
            raise Rejected("the export's events 1 … %d give the root %s, but your checkpoint of %d events signed "
                           "%s says %s: the log was rewritten since (%s)"
                           % (size, roots[size].hex(), size, time, root.hex(), name))
        report.ok("%s: the export extends your checkpoint of %d events signed %s: its root at %d is the one "
                  "you hold" % (school, size, time, size))


# -- witnesses' cosignatures ----------------------------------------------------

COSIGNATURE_KINDS = ("district", "auditor", "committee", "witness")


def cosigner(c):
    return '%s "%s" (key %s)' % (c.get("kind"), c.get("witness"), c.get("witnessKey"))


def check_cosignature(c):
    """Checks a cosignature's own signature (docs/log-format.md, "The signed message");
    returns its size and root."""
    if not isinstance(c, dict) or c.get("format") != "letopis-cosignature-v1":
        raise Rejected("not a letopis-cosignature-v1")
    size = c.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise Rejected("its size is not a number of events: %r" % (size,))
    root = unhex(c.get("root"), "its root")
    if c.get("kind") not in COSIGNATURE_KINDS:
        raise Rejected("its kind %r is none of %s" % (c.get("kind"), ", ".join(COSIGNATURE_KINDS)))
    fields = [c.get(name) for name in ("witness", "school", "checkpointTime", "time")]
    if not all(isinstance(value, str) and value and "\n" not in value for value in fields):
        raise Rejected("its witness, school or times are not one-line strings")
    message = ("letopis cosignature v1\nwitness %s\nkind %s\nschool %s\nsize %d\nroot %s\n"
               "checkpoint-time %s\ntime %s\n" % (c["witness"], c["kind"], c["school"], size, root.hex(),
                                                   c["checkpointTime"], c["time"]))
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(c.get("witnessKey", ""), validate=True))
        key.verify(base64.b64decode(c.get("signature", ""), validate=True), message.encode("utf-8"))
    except (binascii.Error, ValueError, TypeError):
        raise Rejected("its witnessKey or signature is not base64 of the right length")
    except InvalidSignature:
        raise Rejected("its signature does not verify with the witness key it names: a forged or altered cosignature")
    return size, root


def check_cosigned(school, trailer, roots, cosigned, report):
    """Checks the export against the witnesses' cosignatures of this school: the
    export's root at each cosigned size must be the one the witness cosigned."""
    last = trailer["to"]
    for name, c in cosigned:
        size, root = check_cosignature(c)
        if size > last:
            raise Rejected("the export ends at #%d but %s cosigned %d events at %s: events were cut after they "
                           "were witnessed (%s)" % (last, cosigner(c), size, c["time"], name))
        if size not in roots:
            report.warn("%s: the cosignature of %d events by %s ends before the export's first event #%d: the "
                        "export cannot be checked against it" % (school, size, cosigner(c), trailer["from"]))
            continue
        if roots[size] != root:
            raise Rejected("the export's events 1 … %d give the root %s, but %s cosigned the root %s at %s: the "
                           "log was rewritten after it was witnessed (%s)"
                           % (size, roots[size].hex(), cosigner(c), root.hex(), c["time"], name))
        report.ok("%s: witnessed: %d events by %s, cosigned %s" % (school, size, cosigner(c), c["time"]))


# -- proofs --------------------------------------------------------------------

def check_proof(path, key, kept, report, allow_unsigned_from=False):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            proof = json.load(handle)
    except (OSError, ValueError) as error:
        report.fail("%s: cannot read the proof: %s" % (path, error))
        return
    try:
        kind = proof.get("format")
        school = proof.get("school")
        if kind == "letopis-inclusion-proof-v1":
            seq, size = proof["sequence"], proof["treeSize"]
            stored = base64.b64decode(proof["stored"], validate=True)
            fields = parse_stored(stored)
            event_hash = unhex(proof["eventHash"], "eventHash")
            if sha256(stored[:-32]) != event_hash or fields["hash"] != event_hash:
                raise Rejected("the event's stored bytes do not hash to eventHash")
            if fields["sequence"] != seq:
                raise Rejected("the stored event is #%d, the proof says #%d" % (fields["sequence"], seq))
            root = unhex(proof["root"], "root")
            path_hashes = [unhex(h, "a path hash") for h in proof["path"]]
            if not verify_inclusion(event_hash, seq, size, path_hashes, root):
                raise Rejected("the audit path does not lead from event #%d to the root" % seq)
            report.ok("%s: event #%d (%s %s) is in the tree of %d events with root %s"
                      % (path, seq, fields["type"], fields["stream"], size, root.hex()))
            ends = [(kept_of(kept, school, size) or proof.get("checkpoint"), size, root)]
        elif kind == "letopis-consistency-proof-v1":
            m, n = proof["fromSize"], proof["toSize"]
            first_root, second_root = unhex(proof["fromRoot"], "fromRoot"), unhex(proof["toRoot"], "toRoot")
            if not verify_consistency(m, n, first_root, second_root, [unhex(h, "a path hash") for h in proof["path"]]):
                raise Rejected("the path does not show that the tree of %d events extends the tree of %d" % (n, m))
            report.ok("%s: the tree of %d events extends the tree of %d events" % (path, n, m))
            ends = []
            for cp, size, root in ((proof.get("fromCheckpoint"), m, first_root), (proof.get("toCheckpoint"), n, second_root)):
                cp = kept_of(kept, school, size) or cp
                if cp is not None:
                    ends.append((cp, size, root))
                elif size == m:
                    unsigned = ("the old root %d/%s is not signed by the school: this proves only that the tree of %d "
                                "events extends a tree of %d events with that root, not that the school's log ever had it"
                                % (m, first_root.hex(), n, m))
                    if not allow_unsigned_from:
                        raise Rejected(unsigned + " (--allow-unsigned-from accepts it; or give the checkpoint of %d "
                                                  "events you kept with --checkpoint)" % m)
                    report.warn("%s: %s" % (path, unsigned))
            if not [end for end in ends if end[1] == n]:
                ends.append((None, n, second_root))
        else:
            raise Rejected("not a Letopis proof (format %r)" % kind)
        for cp, size, root in ends:
            if cp is None:
                report.warn("%s: no signed checkpoint: the root %s is not vouched for by the school" % (path, root.hex()))
                continue
            time = check_checkpoint(cp, school, size, root, key, report)
            report.ok("%s: the root of %d events is signed by the school (checkpoint of %s)" % (path, size, time))
    except Rejected as rejected:
        report.fail("%s: %s" % (path, rejected))
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        report.fail("%s: malformed proof (%s)" % (path, error))


def kept_of(kept, school, size):
    """The checkpoint the auditor kept of this school and size, if any."""
    for _, cp in kept:
        if cp.get("school") == school and cp.get("size") == size:
            return cp
    return None


def main(argv):
    parser = argparse.ArgumentParser(
        prog="verify-export.py",
        description="Check a Letopis export, its signed checkpoint and proofs, from docs/log-format.md alone.",
        epilog="Exit status: 0 all checks out, 1 something does not (named on a REJECTED line), 2 bad usage.")
    parser.add_argument("export", nargs="?", help="the output of `letopis export` (JSON lines)")
    parser.add_argument("--public-key", help="the school's published public key: PEM file, base64 or hex")
    parser.add_argument("--proof", action="append", default=[], help="an inclusion or consistency proof file (repeatable)")
    parser.add_argument("--checkpoint", action="append", default=[],
                        help="a checkpoint you kept (repeatable): the export must extend it, and proofs of its "
                             "size are checked against it")
    parser.add_argument("--cosignature", action="append", default=[],
                        help="a witness's cosignature (repeatable): the export's root at its size must be the one "
                             "it cosigned")
    parser.add_argument("--allow-unsigned-from", action="store_true",
                        help="accept a consistency proof whose old root no checkpoint signs")
    parser.add_argument("--keep-checkpoint", metavar="FILE",
                        help="when everything checks out, write the export's signed checkpoint to FILE")
    parser.add_argument("--schemas", help="the directory of the catalog's *.proto files (default: ../schemas next to this script)")
    parser.add_argument("--quiet", action="store_true", help="print only failures and warnings")
    args = parser.parse_args(argv)
    if args.keep_checkpoint and not args.export:
        parser.print_usage(sys.stderr)
        sys.stderr.write("verify-export.py: --keep-checkpoint keeps the checkpoint of an export: give the export\n")
        return 2
    if not args.export and not args.proof and not args.cosignature:
        parser.print_usage(sys.stderr)
        sys.stderr.write("verify-export.py: give an export file, --proof files, or both\n")
        return 2
    report = Report(args.quiet)
    key, kept, cosigned = None, [], []
    try:
        if args.public_key:
            key = load_public_key(args.public_key)
        for name in args.checkpoint:
            with open(name, "r", encoding="utf-8") as handle:
                try:
                    cp = json.load(handle)
                except ValueError as error:
                    raise Rejected("%s is not one JSON object (the JSON `letopis checkpoint` prints): %s" % (name, error))
            if not isinstance(cp, dict) or cp.get("format") != "letopis-checkpoint-v1":
                raise Rejected("%s is not a letopis-checkpoint-v1 (the JSON `letopis checkpoint` prints)" % name)
            kept.append((name, cp))
        for name in args.cosignature:
            with open(name, "r", encoding="utf-8") as handle:
                try:
                    c = json.load(handle)
                except ValueError as error:
                    raise Rejected("%s is not one JSON object (a cosignature): %s" % (name, error))
            if not isinstance(c, dict) or c.get("format") != "letopis-cosignature-v1":
                raise Rejected("%s is not a letopis-cosignature-v1 (the JSON `letopis witness cosign` writes)" % name)
            cosigned.append((name, c))
    except (Rejected, OSError, ValueError) as error:
        sys.stderr.write("verify-export.py: %s\n" % error)
        return 2
    catalog = None
    if args.export:
        import os
        schemas = args.schemas or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")
        try:
            catalog = Catalog(schemas) if args.schemas or os.path.isdir(schemas) else None
        except (Rejected, OSError, ValueError, IndexError) as error:
            sys.stderr.write("verify-export.py: cannot read the schemas in %s: %s\n" % (schemas, error))
            return 2
        if catalog is None:
            report.warn("no schemas: readable payloads are not checked against their stored bytes (use --schemas)")
        signed = check_export(args.export, key, report, catalog, kept, cosigned)
    elif cosigned:
        report.warn("--cosignature without an export: the cosignatures' signatures are checked, not the log")
        for name, c in cosigned:
            try:
                size, _ = check_cosignature(c)
                report.ok("%s: a cosignature of %d events of %s by %s, cosigned %s"
                          % (name, size, c.get("school"), cosigner(c), c.get("time")))
            except Rejected as rejected:
                report.fail("%s: %s" % (name, rejected))
    for proof in args.proof:
        check_proof(proof, key, kept, report, args.allow_unsigned_from)
    if report.failures:
        print("NOT VERIFIED: %d check(s) failed" % report.failures)
        return 1
    if args.keep_checkpoint:
        if len(signed) != 1:
            print("NOT KEPT: the export holds %d schools; --keep-checkpoint keeps the checkpoint of one" % len(signed))
            return 1
        try:
            with open(args.keep_checkpoint, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(signed[0], ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
        except OSError as error:
            sys.stderr.write("verify-export.py: cannot write %s: %s\n" % (args.keep_checkpoint, error))
            return 2
        report.ok("the export's checkpoint of %d events is kept in %s: give it with --checkpoint next time"
                  % (signed[0]["size"], args.keep_checkpoint))
    print("VERIFIED" + (" (with warnings)" if report.warnings else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
