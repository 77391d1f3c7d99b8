#!/usr/bin/env python3
"""Convert a journal written by shared/bench/gen.py into isf-ledger's JSON Lines log.

    python3 benches/to_jsonl.py PREFIX.journal [-o PREFIX.jsonl]

Writes, in this order:
  * one `open_account` record per `account` directive, in file order:
      Assets:ISF:*  -> kind "fund", rule "non_negative"
      Income:*      -> kind "income"
      Expenses:*    -> kind "expense"
    (any other account is refused: gen.py writes no other kind);
  * one `post` record per transaction, in file order. The journal has no transaction ids, so
    each entry gets `T` and its position in the file (T0000001, ...); the memo is the
    transaction's description; amounts keep the journal's sign (debit positive), as
    "12.34 GBP".

Only what gen.py writes is read: `YYYY-MM-DD [*|!] description` headers, indented
`ACCOUNT  AMOUNT COMMODITY` postings, `account`/`commodity` directives, `;` comments and blank
lines. Anything else stops the conversion with the line number. Python 3 standard library only.
"""
import argparse
import json
import re
import sys

HEADER = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s+[*!])?\s+(.*?)\s*$")
POSTING = re.compile(r"^\s+(\S(?:.*?\S)?)\s{2,}(-?\d+(?:\.\d+)?)\s+([A-Z]{3})\s*$")


def account_record(name):
    if name.startswith("Assets:ISF:"):
        body = {"id": name, "kind": "fund", "currency": "GBP", "rule": "non_negative"}
    elif name.startswith("Income:"):
        body = {"id": name, "kind": "income", "currency": "GBP"}
    elif name.startswith("Expenses:"):
        body = {"id": name, "kind": "expense", "currency": "GBP"}
    else:
        return None
    return {"v": 1, "open_account": body}


def fail(path, lineno, msg):
    sys.exit(f"{path}:{lineno}: {msg}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("journal")
    ap.add_argument("-o", "--out", help="output file (default: the journal's name with .jsonl)")
    a = ap.parse_args()
    out_path = a.out or re.sub(r"\.journal$", "", a.journal) + ".jsonl"

    dumps = json.dumps
    n_accounts = n_entries = 0
    with open(a.journal, encoding="utf-8") as src, open(out_path, "w", encoding="utf-8") as out:
        w = out.write
        entry = None  # (lineno, date, memo, [postings])

        def flush():
            nonlocal entry, n_entries
            if entry is None:
                return
            lineno, d, memo, postings = entry
            if len(postings) < 2:
                fail(a.journal, lineno, "a transaction needs two or more postings")
            n_entries += 1
            ps = ",".join(f'{{"account":{dumps(acc)},"amount":"{amt} {cur}"}}' for acc, amt, cur in postings)
            w(f'{{"v":1,"post":{{"id":"T{n_entries:07d}","date":"{d}","memo":{dumps(memo)},"postings":[{ps}]}}}}\n')
            entry = None

        for lineno, line in enumerate(src, 1):
            if line[:1] in (" ", "\t"):
                if not line.strip():
                    flush()
                    continue
                if line.lstrip().startswith(";"):
                    continue
                m = POSTING.match(line)
                if m is None or entry is None:
                    fail(a.journal, lineno, f"cannot read posting: {line.rstrip()!r}")
                entry[3].append(m.groups())
                continue
            flush()
            s = line.strip()
            if not s or s.startswith(";"):
                continue
            if s.startswith("account "):
                name = s[len("account "):].strip()
                rec = account_record(name)
                if rec is None:
                    fail(a.journal, lineno, f"account {name!r} is not Assets:ISF:*, Income:* or Expenses:*")
                w(dumps(rec, separators=(",", ":")) + "\n")
                n_accounts += 1
                continue
            if s.startswith("commodity "):
                continue
            m = HEADER.match(line)
            if m is None:
                fail(a.journal, lineno, f"cannot read line: {s!r}")
            entry = (lineno, m.group(1), m.group(2), [])
        flush()
    print(f"{out_path}: {n_accounts} accounts, {n_entries} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
