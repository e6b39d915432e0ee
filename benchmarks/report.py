"""Turn loadbot results into one comparison table (plain text and markdown)."""

from __future__ import annotations

from typing import Any

COLUMNS = [
    ("variant", "variant"),
    ("pages_per_second", "pages/s"),
    ("ratio", "x oTree 6"),
    ("submit", "submit p50/p95/p99 ms"),
    ("page_get", "page_get p50/p95/p99 ms"),
    ("wait_p50", "wait p50 s"),
    ("waits", "waits ws/poll"),
    ("finished", "finished"),
    ("errors", "5xx / aborted / other"),
    ("server_cpu", "server CPU %"),
    ("services_cpu", "db+redis CPU %"),
    ("driver_cpu", "loadbot CPU %"),
]


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


def _latency(summary: dict[str, Any] | None) -> str:
    if not summary or not summary.get("count"):
        return "-"
    return "/".join(_number(summary.get(key)) for key in ("p50", "p95", "p99"))


def _other_errors(errors: dict[str, int]) -> int:
    return sum(count for kind, count in errors.items() if kind not in ("http_5xx",))


def summarize(
    variant_name: str,
    result: dict[str, Any] | None,
    server_pid: int | None,
    service_pids: list[int],
    failure: str | None,
) -> dict[str, Any]:
    """The numbers the table shows for one variant, from loadbot's JSON."""
    row: dict[str, Any] = {"variant": variant_name, "failure": failure}
    if not result or "latency_ms" not in result:
        row["failure"] = failure or (result or {}).get("error", "no result")
        return row
    latency = result["latency_ms"]
    cpu = result.get("cpu", {})
    by_pid = cpu.get("server_by_pid", {})

    def util(pid: int | None) -> float | None:
        entry = by_pid.get(str(pid)) if pid is not None else None
        return entry.get("util_pct") if entry else None

    services = [util(pid) for pid in service_pids]
    statuses = result.get("requests_by_status", {})
    errors = result.get("errors", {})
    row.update(
        pages_per_second=result.get("pages_per_second"),
        pages_submitted=result.get("pages_submitted"),
        wall_time_s=result.get("wall_time_s"),
        submit=latency.get("submit_roundtrip"),
        page_get=latency.get("page_get"),
        post=latency.get("post"),
        wait_p50=result.get("wait_page", {}).get("p50_s"),
        wait_p95=result.get("wait_page", {}).get("p95_s"),
        waits_websocket=result.get("wait_page", {}).get("websocket_waits"),
        waits_poll=result.get("wait_page", {}).get("poll_waits"),
        participants=result.get("participants_requested"),
        participants_finished=result.get("participants_finished"),
        participants_aborted=result.get("participants_aborted"),
        http_5xx=sum(n for status, n in statuses.items() if str(status).startswith("5")),
        errors=errors,
        server_cpu=util(server_pid),
        services_cpu=sum(u for u in services if u is not None) if service_pids else None,
        driver_cpu=cpu.get("driver_util_pct_of_one_core"),
    )
    return row


def _cells(row: dict[str, Any], baseline: float | None) -> list[str]:
    name = row["variant"]
    if row.get("pages_per_second") is None:
        return [name, "FAILED", "-", str(row.get("failure", ""))[:60]] + ["-"] * (len(COLUMNS) - 4)
    pages = row["pages_per_second"]
    ratio = f"{pages / baseline:.2f}" if baseline else "-"
    errors = row.get("errors", {})
    return [
        name,
        _number(pages, 1),
        ratio,
        _latency(row.get("submit")),
        _latency(row.get("page_get")),
        _number(row.get("wait_p50"), 2),
        f"{row.get('waits_websocket', 0)}/{row.get('waits_poll', 0)}",
        f"{row.get('participants_finished')}/{row.get('participants')}",
        f"{row.get('http_5xx', 0)} / {row.get('participants_aborted', 0)}"
        f" / {_other_errors(errors)}",
        _number(row.get("server_cpu")),
        _number(row.get("services_cpu")),
        _number(row.get("driver_cpu")),
    ]


def _baseline(rows: list[dict[str, Any]]) -> float | None:
    for row in rows:
        if row["variant"].startswith("oTree 6") and row.get("pages_per_second"):
            return float(row["pages_per_second"])
    return None


def text_table(rows: list[dict[str, Any]]) -> str:
    """An aligned plain-text table for the terminal."""
    baseline = _baseline(rows)
    table = [[title for _, title in COLUMNS]] + [_cells(row, baseline) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = []
    for index, line in enumerate(table):
        lines.append(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The same table in markdown, to paste into the README."""
    baseline = _baseline(rows)
    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(COLUMNS))) + "|",
    ]
    lines += ["| " + " | ".join(_cells(row, baseline)) + " |" for row in rows]
    return "\n".join(lines)


def machine_markdown(machine: dict[str, Any], settings: dict[str, Any]) -> str:
    """A one-paragraph description of the machine and the load, for under the table."""
    return (
        f"Machine: {machine['nproc']} CPUs ({machine['cpu_model']}), {machine['ram_gib']} GiB RAM, "
        f"{machine['os']}, Python {machine['python']}; "
        f"otree-async {machine['otree_async_revision']}, "
        f"oTree {settings['otree6_version']}. Load: loadbot, config `{settings['config']}`, "
        f"{settings['participants']} participants, think {settings['think']} s, "
        f"ramp {settings['ramp']} s; driver and servers share the machine. "
        "Latencies are loadbot's: submit = POST plus redirects to the next page; "
        "page_get = every GET including redirect hops and wait-page reloads."
    )
