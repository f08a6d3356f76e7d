"""Throttling of failed logins, per login name and per client address.

Every login route of every face goes through `accounts.authenticate`, which asks this module
first; so the limits hold whatever face (or API process) an attacker uses. What it guards:

- *one account, many guesses* (from one address or a thousand): the per-account counter. The
  key is the login name as typed, case-folded and hashed, known account or not, so a 429 never
  tells whether an account exists; username and e-mail of one account count separately.
- *many accounts, one address* (password spraying): the per-address counter, with a higher
  limit because several honest users may share an address behind a NAT. IPv6 clients are
  counted per /64, the block one host usually holds.
- *what honest users suffer*: only failures count; a successful login clears its account's
  counter and takes back its own attempt from the address counter, but leaves the other
  failures from that address counted (else an attacker with one account would reset the
  address counter with it). A locked account is locked for everyone until its window ends:
  that is the price of stopping distributed guessing; API tokens (`fairdepot user token`)
  are not throttled, so automated clients keep working.

Attempts are counted *before* the password is checked (and taken back on success), so parallel
requests cannot all slip through below the limit.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from fairdepot.config import Settings
from fairdepot.core.errors import TooManyAttempts
from fairdepot.storage.login_attempts import AttemptCounters, Counter

_ACCOUNT, _ADDRESS = "account:", "address:"


@dataclass(frozen=True)
class Limit:
    max_failures: int  # 0: no limit
    window_seconds: int


@dataclass(frozen=True)
class AdmittedAttempt:
    """An attempt counted on these counters, to be settled once the password is checked."""

    counters: tuple[Counter, ...]


class LoginThrottle:
    def __init__(self, counters: AttemptCounters, *, per_account: Limit, per_address: Limit):
        self.counters = counters
        self.per_account = per_account
        self.per_address = per_address

    @classmethod
    def from_settings(cls, counters: AttemptCounters, settings: Settings) -> LoginThrottle:
        return cls(
            counters,
            per_account=Limit(
                settings.login_max_failures_per_account, settings.login_account_window_seconds
            ),
            per_address=Limit(
                settings.login_max_failures_per_address, settings.login_address_window_seconds
            ),
        )

    def admit(self, login: str, client_address: str | None) -> AdmittedAttempt:
        """Count the attempt, or raise TooManyAttempts (nothing counted) with a Retry-After."""
        wanted = []
        if client_address and self.per_address.max_failures:
            wanted.append(_counter(_ADDRESS + address_key(client_address), self.per_address))
        if self.per_account.max_failures:
            wanted.append(_counter(_ACCOUNT + account_key(login), self.per_account))
        retry_after = self.counters.reserve(wanted)
        if retry_after is not None:
            raise TooManyAttempts(
                f"too many failed logins; try again in {retry_after} seconds",
                retry_after_seconds=retry_after,
            )
        return AdmittedAttempt(tuple(wanted))

    def succeeded(self, attempt: AdmittedAttempt) -> None:
        """Forget the account's failures; give back this attempt only on the address."""
        for counter in attempt.counters:
            if counter.key.startswith(_ACCOUNT):
                self.counters.clear(counter.key)
            else:
                self.counters.release(counter.key)


def account_key(login: str) -> str:
    """Hashed: a login name field sometimes holds a password typed in the wrong box."""
    return hashlib.sha256(login.strip().casefold().encode()).hexdigest()


def address_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]  # not an IP (a Unix socket, a test client): counted as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _counter(key: str, limit: Limit) -> Counter:
    return Counter(key, limit.max_failures, limit.window_seconds)
