#!/usr/bin/env python3
"""Deterministic synthetic social-care budget journal generator.

Emits the SAME N transactions in two syntaxes:
  <prefix>.journal   - plain-text accounting syntax readable by both hledger and ledger
  <prefix>.beancount - beancount syntax (with `open` directives for every account)
plus <prefix>.expected.json with independently computed (integer-pence) totals,
for cross-checking the tools' balance reports.

Model (financial year 2025-04-01 .. 2026-03-31):
  * P people (default 1000), each with an Individual Service Fund  Assets:ISF:P0001 ...
  * one council funding source                                     Income:Council:Funding
  * one client-contribution income account                         Income:ClientContribution
  * K providers (default 50)                                       Expenses:Provider:PR01 ...
Transaction kinds (every transaction has exactly 2 postings, both amounts explicit):
  * opening float: one four-weekly allocation per person on 2025-04-01, so funds are paid in advance
  * 4-weekly budget allocation   Income:Council:Funding -> Assets:ISF:Pxxxx
      count = min(13 * P, round(0.15 * N)); dated on the 13 four-weekly period starts
  * 4-weekly client contribution Income:ClientContribution -> Assets:ISF:Pxxxx
      (~40% of people contribute) count = min(13 * contributors, round(0.05 * N));
      dated period start + 14 days
  * provider drawdown            Assets:ISF:Pxxxx -> Expenses:Provider:PRxx
      all remaining transactions; uniformly random day of the year; each person uses
      1-3 preferred providers; amounts sized so each person spends ~97% of the funds in.
Amounts are GBP with 2 decimals, generated as integer pence. No fund ever goes below zero in date order
(money in before money out on a day; a drawdown larger than its fund is capped, an empty fund's is dropped,
so the count written can be a little under N: expected.json says how many).  Output is sorted by date
(stable), and fully determined by (N, --people, --providers, --seed).

Usage:  python3 gen.py N [--people 1000] [--providers 50] [--seed 42] [--out PREFIX]
                        [--years Y] [--order forward|reverse|shuffled]

This is the repository's copy of the shared yardstick `shared/bench/gen.py` (same model, same
random draws: for the same arguments it writes the same journal and the same totals), with
three additions for isf-ledger's benchmarks:
  * <prefix>.jsonl - the crate's JSON Lines log: one open_account record per account (funds
    "non_negative" unless --order is not forward), then one post record per transaction, ids
    T0000001... in date order, memo = the narration (what benches/to_jsonl.py makes of the
    journal);
  * --years Y: Y financial years from 2025-04-01, each the one-year model with N/Y
    transactions and seed+year, balances carried over (Y=1 is the shared generator's output);
  * --order: the order of the post records in the .jsonl (the journal stays in date order):
    forward (date order), reverse (newest first) or shuffled (seeded). Out of date order a fund
    may dip below zero on the way, so funds then carry no rule.
"""
import argparse
import json
import random
from datetime import date, timedelta

FY_START = date(2025, 4, 1)
FY_END = date(2026, 3, 31)
FY0 = FY_START
NDAYS = (FY_END - FY_START).days + 1  # 365
NPERIODS = 13
COUNCIL = "Income:Council:Funding"
CONTRIB = "Income:ClientContribution"


def money(p):
    """integer pence -> 'd.dd' string (sign aware)."""
    s = "-" if p < 0 else ""
    p = abs(p)
    return f"{s}{p // 100}.{p % 100:02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, help="number of transactions")
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--providers", type=int, default=50)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default=None, help="output prefix (default: txN)")
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--order", choices=["forward", "reverse", "shuffled"], default="forward")
    a = ap.parse_args()
    out = a.out or f"tx{a.n}"
    all_txns = []
    counts = [0, 0]
    for y in range(a.years):
        n = a.n // a.years + (1 if y < a.n % a.years else 0)
        start = date(FY0.year + y, 4, 1)
        txns, n_alloc, n_contrib = one_year(n, a.people, a.providers, a.seed + y, start)
        all_txns += txns
        counts[0] += n_alloc
        counts[1] += n_contrib
    write(a, out, all_txns, *counts)


def one_year(N, P, K, seed, fy_start):
    """The shared generator's year starting on fy_start: its transactions, sorted by date."""
    FY_START = fy_start
    rng = random.Random(seed)

    pw = max(4, len(str(P)))
    kw = max(2, len(str(K)))
    isf = [f"Assets:ISF:P{i + 1:0{pw}d}" for i in range(P)]
    prov = [f"Expenses:Provider:PR{j + 1:0{kw}d}" for j in range(K)]
    pname = [f"P{i + 1:0{pw}d}" for i in range(P)]
    kname = [f"PR{j + 1:0{kw}d}" for j in range(K)]

    # per-person parameters
    alloc4w = [rng.randint(400_00, 6000_00) for _ in range(P)]  # 4-weekly budget, pence
    contributors = [i for i in range(P) if rng.random() < 0.4]
    contrib4w = {i: rng.randint(40_00, 600_00) for i in contributors}
    preferred = [rng.sample(range(K), rng.randint(1, min(3, K))) for _ in range(P)]

    n_float = min(P, N // 10)  # one period's allocation in advance, so funds never run dry
    n_alloc = min(NPERIODS * P, round(0.15 * N))
    n_contrib = min(NPERIODS * len(contributors), round(0.05 * N)) if contributors else 0
    n_draw = N - n_float - n_alloc - n_contrib
    assert n_draw >= 0

    period_start = [FY_START + timedelta(days=28 * k) for k in range(NPERIODS)]
    # txn tuple: (date, kind, debit_acct, credit_acct, pence, payee, narration)
    txns = []
    funds_in = [0] * P
    for i in range(n_float):
        txns.append((FY_START, 0, isf[i], COUNCIL, alloc4w[i], "Council",
                     f"Opening float {pname[i]}"))
    for k in range(n_alloc):
        per = k * NPERIODS // n_alloc
        i = k % P
        amt = alloc4w[i]
        funds_in[i] += amt
        txns.append((period_start[per], 0, isf[i], COUNCIL, amt, "Council",
                     f"Budget allocation {pname[i]} period {per + 1:02d}"))
    for k in range(n_contrib):
        per = k * NPERIODS // n_contrib
        i = contributors[k % len(contributors)]
        amt = contrib4w[i]
        funds_in[i] += amt
        txns.append((period_start[per] + timedelta(days=14), 1, isf[i], CONTRIB, amt,
                     pname[i], f"Client contribution {pname[i]} period {per + 1:02d}"))
    # drawdowns: choose person + day first, then size amounts per person
    draws = []
    ndraw_p = [0] * P
    for k in range(n_draw):
        i = k % P if k < P else rng.randrange(P)  # every person gets >=1 drawdown
        ndraw_p[i] += 1
        draws.append((i, rng.randrange(NDAYS), rng.choice(preferred[i])))
    for k, (i, day, j) in enumerate(draws):
        mean = max(1_00, funds_in[i] * 97 // (100 * ndraw_p[i]))
        amt = max(1, int(mean * rng.uniform(0.5, 1.5)))
        txns.append((FY_START + timedelta(days=day), 2, prov[j], isf[i], amt, kname[j],
                     f"Drawdown {pname[i]} invoice INV{k + 1:07d}"))
    txns.sort(key=lambda t: (t[0], t[1]))  # money in before money out on the same day
    # a drawdown never exceeds what its fund holds at that point: cap it, drop it if the fund is empty
    fund_of = {a: i for i, a in enumerate(isf)}
    held = [0] * P
    kept = []
    for t in txns:
        d, kind, dr, cr, amt, payee, narr = t
        if kind == 2:
            i = fund_of[cr]
            amt = min(amt, held[i])
            if amt <= 0:
                continue
            held[i] -= amt
            t = (d, kind, dr, cr, amt, payee, narr)
        else:
            held[fund_of[dr]] += amt
        kept.append(t)
    return kept, n_alloc, n_contrib


def names(P, K):
    pw = max(4, len(str(P)))
    kw = max(2, len(str(K)))
    isf = [f"Assets:ISF:P{i + 1:0{pw}d}" for i in range(P)]
    prov = [f"Expenses:Provider:PR{j + 1:0{kw}d}" for j in range(K)]
    return isf, prov


def write(a, out, txns, n_alloc, n_contrib):
    N, P, K = a.n, a.people, a.providers
    isf, prov = names(P, K)
    # expected totals (pence) for cross-checking
    bal = {}
    for d, _, dr, cr, amt, _, _ in txns:
        bal[dr] = bal.get(dr, 0) + amt
        bal[cr] = bal.get(cr, 0) - amt
    accounts = [COUNCIL, CONTRIB] + isf + prov
    opened = accounts

    # ---- hledger / ledger journal ----
    with open(out + ".journal", "w") as f:
        f.write(f"; synthetic social-care budget journal: N={N} people={P} providers={K} seed={a.seed}\n")
        f.write("; readable by hledger and ledger (also under hledger -s / ledger --strict --pedantic)\n\n")
        f.write("commodity GBP\n\n")
        for acc in opened:
            f.write(f"account {acc}\n")
        f.write("\n")
        w = f.write
        for d, _, dr, cr, amt, payee, narr in txns:
            m = money(amt)
            w(f"{d.isoformat()} * {narr}\n"
              f"    {dr:<28}  {m:>12} GBP\n"
              f"    {cr:<28}  {'-' + m:>12} GBP\n\n")

    # ---- beancount ----
    with open(out + ".beancount", "w") as f:
        f.write(f"; synthetic social-care budget journal: N={N} people={P} providers={K} seed={a.seed}\n")
        f.write('option "title" "Synthetic social-care budget"\n')
        f.write('option "operating_currency" "GBP"\n\n')
        f.write(f"{FY_START.isoformat()} commodity GBP\n")
        for acc in opened:
            f.write(f"{FY_START.isoformat()} open {acc} GBP\n")
        f.write("\n")
        w = f.write
        for d, _, dr, cr, amt, payee, narr in txns:
            m = money(amt)
            w(f'{d.isoformat()} * "{payee}" "{narr}"\n'
              f"  {dr:<28}  {m:>12} GBP\n"
              f"  {cr:<28}  {'-' + m:>12} GBP\n\n")

    isf_total = sum(bal.get(x, 0) for x in isf)
    prov_total = sum(bal.get(x, 0) for x in prov)
    exp = {
        "n_transactions": len(txns), "n_alloc": n_alloc, "n_contrib": n_contrib,
        "n_draw": sum(1 for t in txns if t[1] == 2), "people": P, "providers": K, "seed": a.seed,
        "totals": {
            "Assets:ISF": money(isf_total),
            "Expenses:Provider": money(prov_total),
            COUNCIL: money(bal.get(COUNCIL, 0)),
            CONTRIB: money(bal.get(CONTRIB, 0)),
            isf[0]: money(bal.get(isf[0], 0)),
            isf[-1]: money(bal.get(isf[-1], 0)),
            prov[0]: money(bal.get(prov[0], 0)),
        },
    }
    with open(out + ".expected.json", "w") as f:
        json.dump(exp, f, indent=1)

    # ---- isf-ledger JSON Lines ----
    posts = list(enumerate(txns, 1))
    if a.order == "reverse":
        posts.reverse()
    elif a.order == "shuffled":
        random.Random(a.seed).shuffle(posts)
    with open(out + ".jsonl", "w") as f:
        w = f.write
        for acc in opened:
            if acc.startswith("Assets:ISF:"):
                rule = ',"rule":"non_negative"' if a.order == "forward" else ""
                w(f'{{"v":1,"open_account":{{"id":"{acc}","kind":"fund","currency":"GBP"{rule}}}}}\n')
            else:
                kind = "income" if acc.startswith("Income:") else "expense"
                w(f'{{"v":1,"open_account":{{"id":"{acc}","kind":"{kind}","currency":"GBP"}}}}\n')
        for k, (d, _, dr, cr, amt, payee, narr) in posts:
            m = money(amt)
            w(f'{{"v":1,"post":{{"id":"T{k:07d}","date":"{d.isoformat()}","memo":{json.dumps(narr)},'
              f'"postings":[{{"account":"{dr}","amount":"{m} GBP"}},{{"account":"{cr}","amount":"-{m} GBP"}}]}}}}\n')
    print(json.dumps(exp))


if __name__ == "__main__":
    main()
