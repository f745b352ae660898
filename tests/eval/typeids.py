"""typeids.py: leakguard's stable type ids (DESIGN.md), scored by the eval."""

TYPES = [
    "credit_card", "card_cvv", "card_expiry", "jp_my_number", "jp_corporate_number",
    "jp_phone", "email", "jp_postal_code", "birth_date", "jp_bank_account",
    "jp_drivers_license", "jp_passport", "jp_residence_card", "password",
    "aws_access_key_id", "aws_secret_access_key", "private_key", "github_token",
    "slack_token", "generic_api_key", "person_name", "jp_address",
]

# Types reported in context only (names and street addresses): their bar is lower
# (issue 4), and labels of theirs outside the detector's contexts are optional.
CONTEXT_TYPES = ("person_name", "jp_address")
