"""What every page reader shares: the precision check its trials pass through."""

from trialkg.readers.pages.precision import Checked, Refusal, check, reason

__all__ = ["Checked", "Refusal", "check", "reason"]
