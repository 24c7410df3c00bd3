"""Common English content words that are never read as typos of a layer's words.

"revenue by state" must not become "revenue by stage": a real word is unmatched, not corrected.
"""

from __future__ import annotations

ENGLISH = frozenset(
    """
    state states stage stages price prices prize pride store stores score scores stone share shares
    shape stock stack order orders older plant plants plans brand brands bread grand class classes
    glass level levels lever model models modal group groups grown cause causes cases trade grade
    grades hours house houses phone phase sales scale scales males month mouth color colour colors
    colours favourite favorite weather height weight weights width length speed gender genders
    birthday birth income incomes salary salaries wages bonus bonuses profit profits margin margins
    churn churned growth budget budgets forecast target targets quota quotas cost costs tax taxes
    discount discounts refund refunds return returns rating ratings review reviews score mood
    language languages school schools degree degrees title titles skill skills hobby hobbies
    animal animals planet planets music movie movies sport sports team teams player players
    coach station stations route routes truck trucks driver drivers vehicle vehicles fleet
    warehouse warehouses carrier carriers depot depots parcel parcels package packages freight
    invoice invoices payment payments account accounts contract contracts license licenses seats
    ticket tickets agent agents priority priorities severity channel channels campaign campaigns
    source sources device devices browser browsers platform platforms version versions feature
    features employee employees manager managers office offices department departments salary
    region regions country countries cities county counties province provinces street streets
    city towns town village postal address addresses email emails phone website domain
    customer customers client clients vendor vendors supplier suppliers partner partners
    product products item items category categories segment segments industry industries
    quantity quantities amount amounts volume volumes distance distances duration durations
    delay delays temperature pressure energy power water carbon emission emissions
    revenue revenues income expenses expense spend spending usage visits visitors sessions
    users members member subscribers subscriber signups signup logins login clicks views
    impressions conversions leads deals opportunities pipeline bookings booking
    reason reasons status statuses outcome outcomes result type types kind kinds size sizes
    shift shifts night morning evening weekend weekday holiday holidays season seasons
    manufacturer material materials fabric style styles pattern patterns flavor flavour
    hospital doctor doctors patient patients nurse nurses school teacher teachers student
    students course courses grade exam exams salary tenure seniority ethnicity religion
    married marital education nationality origin destination origins destinations
    """.split()
)
