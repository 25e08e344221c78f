//! Request bodies a test process is made of.

use serde_json::{Value, json};

/// The draft JSON of a process `slug`: budget 100 000 EUR, districts
/// `north` and `south`, approval ballots of 1 to 3 projects within the
/// budget, the greedy rule. The owner is set by the node.
pub fn process_draft(slug: &str) -> Value {
    json!({
        "slug": slug,
        "texts": [{
            "lang": "en",
            "title": "Budget 2027",
            "description": "What should the city build?"
        }],
        "budget": { "minor_units": 100000, "currency": "EUR" },
        "districts": [
            { "id": "north", "name": "North", "budget": null },
            { "id": "south", "name": "South", "budget": null }
        ],
        "schedule": { "proposals": 0, "review": 0, "voting": 0, "closed": 0, "implementation": 0 },
        "ballot_format": { "Approval": { "min": 1, "max": 3, "budget_cap": true } },
        "rule": { "name": "greedy", "version": "1" },
        "eligibility": { "census": "census 2027-01" },
        "witnesses": { "witnesses": [], "threshold": 0 },
        "members": []
    })
}

/// The body of a proposal submission.
pub fn proposal(title: &str, cost: u64, district: &str, category: &str) -> Value {
    json!({
        "title": title,
        "description": format!("{title}: a longer description"),
        "cost": cost,
        "district": district,
        "category": category,
        "authors": [{ "name": "Ala", "jurisdiction": "00".repeat(32) }]
    })
}
