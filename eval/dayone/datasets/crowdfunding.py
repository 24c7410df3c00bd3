"""Crowdfunding platform: creators, campaigns, backers, pledges, reward tiers and campaign
updates. snake_case, no declared keys.

Two campaigns share the title "Smart Garden Kit" (different creators); two campaigns tie on the
funding goal. Pledges run up to the eval's now (2026-06-17 10:00); some campaigns are still live.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb

from nexatron.evaluation.datagen import insert_rows as _insert

NOW = dt.datetime(2026, 6, 17, 10, 0)
CATEGORIES = ["Technology", "Games", "Design", "Film", "Music", "Publishing", "Food"]
TITLES = {
    "Technology": ["Smart Garden Kit", "Pocket Drone", "Solar Backpack", "E-Ink Notebook"],
    "Games": ["Dungeon Tiles", "Space Traders", "Pixel Quest", "Castle Siege"],
    "Design": ["Modular Desk", "Minimal Wallet", "Smart Garden Kit", "Travel Mug"],
    "Film": ["The Last Lighthouse", "Street Kitchens", "Ocean Voices"],
    "Music": ["Vinyl Debut Album", "Jazz in the Park", "Choir Tour"],
    "Publishing": ["Cookbook of Islands", "Graphic Novel Vol. 1", "Poetry Zine"],
    "Food": ["Craft Hot Sauce", "Zero Waste Bakery", "Cold Brew Lab"],
}
COUNTRIES = ["US", "UK", "DE", "CA", "AU", "FR", "JP"]

DDL = """
CREATE TABLE creators (creator_id INTEGER, creator_name VARCHAR, country VARCHAR,
  joined_on DATE, verified BOOLEAN);
CREATE TABLE campaigns (campaign_id INTEGER, creator_id INTEGER, title VARCHAR,
  category VARCHAR, goal_amount INTEGER, currency VARCHAR, launched_at TIMESTAMP,
  deadline DATE, status VARCHAR);
CREATE TABLE reward_tiers (tier_id INTEGER, campaign_id INTEGER, tier_name VARCHAR,
  min_pledge INTEGER, limited_qty INTEGER);
CREATE TABLE backers (backer_id INTEGER, display_name VARCHAR, country VARCHAR,
  signed_up_on DATE);
CREATE TABLE pledges (pledge_id INTEGER, campaign_id INTEGER, backer_id INTEGER,
  tier_id INTEGER, amount DECIMAL(9, 2), pledged_at TIMESTAMP, refunded BOOLEAN);
CREATE TABLE campaign_updates (update_id INTEGER, campaign_id INTEGER, posted_at TIMESTAMP,
  headline VARCHAR, likes INTEGER);
"""


def build(path: str) -> None:
    """Create the DuckDB file at `path`."""
    rng = random.Random(2222)
    creators = []
    for i in range(1, 41):
        creators.append(
            (
                i,
                f"{rng.choice(['Studio', 'Team', 'Makers', 'Collective'])} "
                f"{rng.choice(['Nova', 'Oak', 'Pixel', 'Tide', 'Ember', 'Lark'])} {i}",
                rng.choice(COUNTRIES),
                (NOW - dt.timedelta(days=rng.randint(200, 2500))).date(),
                rng.random() < 0.6,
            )
        )
    campaigns, tiers = [], []
    cid = 0
    for cat, titles in TITLES.items():
        for title in titles:
            cid += 1
            creator = creators[int(36 * rng.random())]  # creators 37..40 never launched
            launched = NOW - dt.timedelta(hours=int(24 * 700 * rng.random() ** 1.2) + 5)
            deadline = (launched + dt.timedelta(days=rng.choice([30, 45, 60]))).date()
            goal = rng.choice([5000, 10000, 15000, 25000, 40000, 60000])
            if title == "Pocket Drone":
                goal = 150000
            if title == "Modular Desk":
                goal = 150000
            campaigns.append(
                [
                    cid,
                    creator[0],
                    title,
                    cat,
                    goal,
                    "USD" if creator[2] == "US" else rng.choice(["USD", "EUR", "GBP"]),
                    launched,
                    deadline,
                    None,
                ]
            )
            for k, (tn, mp) in enumerate(
                [("Thank you", 5), ("Early bird", 25), ("Standard", 49), ("Deluxe", 120)]
            ):
                tiers.append((len(tiers) + 1, cid, tn, mp, 100 if k == 1 else None))
    backers = [
        (
            i,
            f"backer{i:04d}",
            rng.choice(COUNTRIES),
            (NOW - dt.timedelta(days=rng.randint(0, 1200))).date(),
        )
        for i in range(1, 701)
    ]
    pledges = []
    for i in range(1, 3201):
        c = campaigns[int(len(campaigns) * rng.random() ** 1.3)]
        if c[2] == "Choir Tour":
            c = campaigns[0]  # Choir Tour never received a pledge
        tier = rng.choice([t for t in tiers if t[1] == c[0]])
        b = backers[int(680 * rng.random() ** 1.2)]  # backers 681..700 never pledged
        end = min(NOW, dt.datetime.combine(c[7], dt.time(23, 59)))
        at = c[6] + (end - c[6]) * rng.random()
        amt = round(tier[3] * rng.uniform(1.0, 1.6), 2)
        pledges.append((i, c[0], b[0], tier[0], amt, at, rng.random() < 0.03))
    raised: dict[int, float] = {}
    for p in pledges:
        if not p[6]:
            raised[p[1]] = raised.get(p[1], 0.0) + float(p[4])
    for c in campaigns:
        if c[7] >= NOW.date():
            c[8] = "Live"
        else:
            c[8] = "Funded" if raised.get(c[0], 0.0) >= c[4] else "Failed"
    updates = []
    for c in campaigns:
        for _ in range(rng.randint(0, 6)):
            at = c[6] + dt.timedelta(hours=rng.randint(2, 24 * 90))
            if at < NOW:
                updates.append(
                    (
                        len(updates) + 1,
                        c[0],
                        at,
                        rng.choice(
                            [
                                "We hit 50%!",
                                "Shipping update",
                                "New stretch goal",
                                "Thank you!",
                                "Production photos",
                            ]
                        ),
                        rng.randint(0, 400),
                    )
                )
    con = duckdb.connect(path)
    try:
        con.execute(DDL)
        _insert(con, "creators", creators)
        _insert(con, "campaigns", [tuple(c) for c in campaigns])
        _insert(con, "reward_tiers", tiers)
        _insert(con, "backers", backers)
        _insert(con, "pledges", pledges)
        _insert(con, "campaign_updates", updates)
    finally:
        con.close()
