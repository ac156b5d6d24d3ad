"""The rules for services: databases, containers, clusters, clouds, firewalls.

``danger`` is for data or infrastructure nobody named one by one: a database or table dropped,
every row deleted, every unused volume pruned, a namespace or all of a kind deleted, a
Terraform state destroyed, a bucket emptied. ``caution`` is for a named, scoped or rebuildable
thing (a pod, a release, a project's volumes, unused images) and for firewall changes, which
open the machine or lock you out but are undone from a console.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from .paths import Finding, Words, long_flags, operands, short_flags

# Database clients: the option that gives them a statement inline.
DB_CLIENTS = {"psql": ("-c", "--command"), "mysql": ("-e", "--execute"), "mariadb": ("-e", "--execute"),
              "sqlite3": (), "mongosh": ("--eval",), "mongo": ("--eval",),
              "clickhouse-client": ("-q", "--query"), "cqlsh": ("-e", "--execute")}  # fmt: skip
_FILE_OPTIONS = {"-f", "--file", "--source"}


def db_statement(words: Words) -> str | None:
    """The statement a database client is given on its command line, if any."""
    name = os.path.basename(words[0])
    for i, w in enumerate(words[1:], start=1):
        for opt in DB_CLIENTS.get(name, ()):
            if w == opt and i + 1 < len(words):
                return words[i + 1]
            if w.startswith(opt + "=") or (len(opt) == 2 and w.startswith(opt) and len(w) > 2):
                return w.split("=", 1)[1] if "=" in w and opt.startswith("--") else w[len(opt) :]
    if name == "sqlite3":
        ops = operands(words)
        return ops[1] if len(ops) > 1 else None
    return None


def reads_statements_from_stdin(words: Words) -> bool:
    name = os.path.basename(words[0])
    return name in DB_CLIENTS and db_statement(words) is None and not (_FILE_OPTIONS & set(words))


def sql(text: str, by: str) -> list[Finding]:
    """What a SQL (or mongo shell) script destroys."""
    out: list[Finding] = []
    t = re.sub(r"--[^\n]*", "", re.sub(r"'(?:''|[^'])*'", "''", text))
    for stmt in t.split(";"):
        s = " ".join(stmt.split())
        drop = re.match(r"(?i)drop\s+(database|schema|table|keyspace|collection)\b", s)
        if drop:
            out.append(("danger", f"{by} drops a {drop.group(1).lower()}: its data is gone for good"))
        elif re.match(r"(?i)truncate\b", s):
            out.append(("danger", f"{by} truncates a table: every row is gone for good"))
        elif re.match(r"(?i)delete\s+from\b", s) and not re.search(r"(?i)\bwhere\b", s):
            out.append(("danger", f"{by} deletes every row of a table (DELETE without WHERE)"))
    if re.search(r"\.dropDatabase\(|\.drop\(\s*\)|\.(deleteMany|remove)\(\s*\{\s*\}\s*\)", t):
        out.append(("danger", f"{by} drops a database or collection"))
    return out


def db(words: Words) -> list[Finding]:
    name = os.path.basename(words[0])
    if name in ("dropdb", "dropuser"):
        return [
            ("danger", f"{name} drops {(operands(words) or ['a database'])[-1]}: its data is gone for good")
        ]
    if name == "mysqladmin" and "drop" in words[1:]:
        return [("danger", "mysqladmin drop drops a database: its data is gone for good")]
    if name == "redis-cli":
        ops = [w.upper() for w in operands(words)]
        if {"FLUSHALL", "FLUSHDB"} & set(ops):
            return [("danger", "redis-cli FLUSHALL/FLUSHDB deletes every key")]
        return []
    text = db_statement(words)
    return sql(text, name) if text else []


def docker(words: Words) -> list[Finding]:
    name, ops, longs = os.path.basename(words[0]), operands(words), long_flags(words)
    verb = " ".join(ops[:2])
    if ("prune" in ops and "--volumes" in longs) or verb == "volume prune":
        return [("danger", f"{name} deletes every unused volume, and the data in them")]
    if "prune" in ops[:2]:
        return [
            (
                "caution",
                f"{name} {verb} deletes every unused {'image' if 'a' in short_flags(words) else 'object'}",
            )
        ]
    if ops[:1] in (["rm"], ["rmi"]) and ("f" in short_flags(words) or "--force" in longs):
        return [("caution", f"{name} {ops[0]} -f removes containers or images, running or not")]
    if verb == "volume rm":
        return [("caution", f"{name} volume rm deletes the volume and its data")]
    if "down" in ops and ("v" in short_flags(words) or "--volumes" in longs):
        return [("caution", "compose down -v deletes the project's volumes and their data")]
    return []


def kubectl(words: Words) -> list[Finding]:
    ops = operands(words)
    if not ops or ops[0] != "delete":
        return []
    kinds = {k for o in ops[1:2] for k in o.lower().split(",")}
    if (
        kinds & {"ns", "namespace", "namespaces"}
        or {"--all", "--all-namespaces"} & long_flags(words)
        or ("A" in short_flags(words))
    ):
        return [
            ("danger", "kubectl delete removes a namespace or every object of a kind, with what runs in it")
        ]
    return [("caution", "kubectl delete removes the objects named")]


def terraform(words: Words) -> list[Finding]:
    ops = operands(words)
    if (ops[:1] == ["destroy"]) or (ops[:1] == ["apply"] and "-destroy" in words):
        return [("danger", f"{os.path.basename(words[0])} destroy tears down every resource in the stack")]
    return []


_DESTROY_VERB = re.compile(r"([\w-]+:)?(destroy|drop|nuke)(-[\w-]+)?")


def destroy_verb(words: Words) -> list[Finding]:
    """A tool no rule knows, told to destroy or drop something (``heroku apps:destroy``)."""
    verb = next((o for o in operands(words)[:2] if _DESTROY_VERB.fullmatch(o)), None)
    return [("caution", f"{os.path.basename(words[0])} {verb} destroys what it names")] if verb else []


def helm(words: Words) -> list[Finding]:
    ops = operands(words)
    return (
        [("caution", "helm uninstall removes the release")] if ops[:1] in (["uninstall"], ["delete"]) else []
    )


def cloud_storage(words: Words) -> list[Finding]:
    name, ops = os.path.basename(words[0]), operands(words)
    recursive = (
        "--recursive" in long_flags(words) or "r" in short_flags(words) or "--force" in long_flags(words)
    )
    if (name == "aws" and ops[:2] in (["s3", "rm"], ["s3", "rb"])) or (name == "gsutil" and "rm" in ops[:1]):
        if recursive:
            return [("danger", f"{name} deletes every object under the bucket or prefix")]
        return [("caution", f"{name} deletes the object named")]
    return []


def firewall(words: Words) -> list[Finding]:
    name, args = os.path.basename(words[0]), words[1:]
    if name in ("iptables", "ip6tables"):
        if {"-F", "--flush", "-X", "--delete-chain"} & set(args):
            return [("caution", f"{name} -F drops every firewall rule: the machine is open")]
        if any(a in ("-P", "--policy") for a in args) and {"DROP", "REJECT"} & set(args):
            return [("caution", f"{name} -P ... DROP can lock you out of a remote machine")]
    if name == "ufw" and {"disable", "reset"} & set(args):
        return [("caution", "ufw disable/reset turns the firewall off")]
    if name == "nft" and "flush" in args:
        return [("caution", "nft flush drops firewall rules")]
    if name == "setenforce" and set(args) & {"0", "Permissive", "permissive"}:
        return [("caution", "setenforce 0 turns SELinux enforcement off")]
    if (
        name == "systemctl"
        and {"stop", "disable", "mask"} & set(args)
        and any(
            re.match(r"(firewalld|ufw|nftables|iptables|apparmor|fail2ban)(\.service)?$", a) for a in args
        )
    ):
        return [("caution", "stops the firewall or a security service")]
    return []


RULES: dict[str, Callable[[Words], list[Finding]]] = {
    **dict.fromkeys([*DB_CLIENTS, "dropdb", "dropuser", "mysqladmin", "redis-cli"], db),
    "docker": docker, "podman": docker, "docker-compose": docker, "kubectl": kubectl, "oc": kubectl,
    "terraform": terraform, "tofu": terraform, "pulumi": terraform, "cdk": terraform, "helm": helm,
    "aws": cloud_storage, "gsutil": cloud_storage,
    **dict.fromkeys(["iptables", "ip6tables", "ufw", "nft", "setenforce", "systemctl"], firewall),
}  # fmt: skip
