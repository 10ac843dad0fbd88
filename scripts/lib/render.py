"""Render a deployment template: replace every @@NAME@@ with the NAME=VALUE given.

    python3 scripts/lib/render.py deploy/nginx/briefings.conf SERVER_NAME=briefings.example.org … > out

Fails (exit 2) if a placeholder is left without a value or a value names no placeholder.
"""
import re
import sys

PLACEHOLDER = re.compile(r"@@([A-Z0-9_]+)@@")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    text = open(argv[1], encoding="utf-8").read()
    values = dict(arg.split("=", 1) for arg in argv[2:])
    wanted = set(PLACEHOLDER.findall(text))
    missing, unknown = sorted(wanted - values.keys()), sorted(values.keys() - wanted)
    if missing or unknown:
        sys.stderr.write(f"{argv[1]}: missing values for {missing}, no placeholder for {unknown}\n")
        return 2
    sys.stdout.write(PLACEHOLDER.sub(lambda match: values[match.group(1)], text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
