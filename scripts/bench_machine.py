"""The machine a benchmark ran on, as Markdown table rows: shared by bench-report.py and bench-stages.py."""
import datetime
import platform
import subprocess


def sh(command):
    try:
        return subprocess.run(command, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return "?"


def rows():
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return [
        "| | |\n|---|---|",
        "| date | %s |" % datetime.date.today().isoformat(),
        "| CPU | %s, %s cores |" % (cpu, sh("nproc")),
        "| memory | %s |" % sh("free -h | awk '/Mem:/ {print $2}'"),
        "| OS | %s |" % platform.platform(),
        "| Java | %s |" % sh("java -version 2>&1 | head -1"),
        "| MariaDB | %s |" % sh("mysql -V"),
        "| Redis | %s |" % sh("redis-server --version"),
    ]
