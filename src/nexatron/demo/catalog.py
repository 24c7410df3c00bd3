"""Fixed reference data for the demo sales database: places, segments, channels, products."""

from __future__ import annotations

# region -> (country, relative weight)
REGIONS: dict[str, list[tuple[str, float]]] = {
    "North America": [("United States", 6.0), ("Canada", 1.6), ("Mexico", 1.0)],
    "Europe": [
        ("United Kingdom", 1.8),
        ("Germany", 1.9),
        ("France", 1.4),
        ("Spain", 0.9),
        ("Netherlands", 0.7),
    ],
    "Asia Pacific": [("Japan", 1.5), ("Australia", 1.1), ("Singapore", 0.5), ("India", 0.9)],
    "Latin America": [("Brazil", 1.2), ("Argentina", 0.5), ("Chile", 0.4)],
}
SEGMENTS: list[tuple[str, float]] = [
    ("Consumer", 6.0),
    ("Small Business", 3.0),
    ("Enterprise", 1.0),
]
# code, name, weight
CHANNELS: list[tuple[str, str, float]] = [
    ("online", "Online store", 5.0),
    ("retail", "Retail stores", 3.0),
    ("partner", "Partner resellers", 1.5),
    ("wholesale", "Wholesale", 0.6),
]
STATUSES: list[tuple[str, float]] = [("completed", 90.0), ("cancelled", 5.0), ("returned", 5.0)]
# category -> subcategory -> (product names, low price, high price)
PRODUCTS: dict[str, dict[str, tuple[list[str], float, float]]] = {
    "Outdoor": {
        "Camping": (
            ["Trail Tent", "Summit Tent", "Down Sleeping Bag", "Camp Stove", "Lantern"],
            25,
            420,
        ),
        "Hiking": (
            ["Trekking Poles", "Day Pack", "Hiking Boots", "Water Filter", "Trail Map Set"],
            15,
            240,
        ),
        "Cycling": (["Road Helmet", "Bike Light Kit", "Saddle Bag", "Cycling Gloves"], 12, 160),
    },
    "Electronics": {
        "Audio": (
            ["Wireless Earbuds", "Studio Headphones", "Bluetooth Speaker", "Soundbar"],
            40,
            480,
        ),
        "Computing": (
            ["Laptop Stand", "Mechanical Keyboard", "Wireless Mouse", "USB-C Hub", "Monitor 27in"],
            20,
            520,
        ),
        "Wearables": (["Fitness Tracker", "Smart Watch", "Heart Rate Strap"], 45, 380),
    },
    "Home": {
        "Kitchen": (
            ["Chef Knife", "Cast Iron Pan", "Espresso Maker", "Blender", "Cutting Board"],
            18,
            350,
        ),
        "Furniture": (["Desk Chair", "Standing Desk", "Bookshelf", "Floor Lamp"], 60, 650),
        "Decor": (["Throw Blanket", "Wall Clock", "Planter Set", "Photo Frame"], 10, 90),
    },
    "Apparel": {
        "Outerwear": (["Rain Jacket", "Insulated Parka", "Fleece Pullover"], 45, 320),
        "Footwear": (["Running Shoes", "Canvas Sneakers", "Leather Boots"], 40, 210),
        "Accessories": (["Wool Beanie", "Sunglasses", "Leather Belt", "Travel Wallet"], 12, 140),
    },
    "Office": {
        "Paper": (["Notebook Pack", "Printer Paper", "Sticky Notes"], 4, 35),
        "Supplies": (["Gel Pens", "Desk Organizer", "Stapler", "Whiteboard"], 5, 120),
    },
}
FIRST_NAMES = [
    "Ada", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kara",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Adams", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
    "Khan", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quint", "Rossi", "Silva",
    "Tanaka", "Usman", "Vargas", "Weber", "Young", "Zhang",
]  # fmt: skip
COMPANY_WORDS = [
    "Acme", "Blue", "Cedar", "Delta", "Evergreen", "Falcon", "Granite", "Harbor", "Iris",
    "Juniper", "Keystone", "Lumen", "Maple", "Nimbus", "Orbit", "Pioneer", "Quartz", "River",
    "Summit", "Vertex",
]  # fmt: skip
COMPANY_SUFFIXES = ["Labs", "Group", "Trading", "Works", "Partners", "Systems", "Supply", "Studio"]
