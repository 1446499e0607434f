"""What the desk remembers for each browser session, in memory: the language, the case and the
terms on the table, and the offers saved as scenarios (bounded, so no session grows without
limit and the oldest sessions are forgotten first)."""
from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

MAX_SESSIONS = 500
MAX_SCENARIOS = 20


@dataclass
class Scenario:
    id: int
    name: str
    case_id: str
    changes: dict
    doc: dict  # the deterministic result document of the offer


@dataclass
class Session:
    lang: str = "zh"
    case_id: str | None = None
    changes: dict = field(default_factory=dict)
    scenarios: list[Scenario] = field(default_factory=list)

    def save(self, scenario: Scenario) -> None:
        self.scenarios.append(scenario)
        del self.scenarios[:-MAX_SCENARIOS]

    def delete(self, scenario_id: int) -> None:
        self.scenarios = [s for s in self.scenarios if s.id != scenario_id]


class Sessions:
    def __init__(self):
        self.items: OrderedDict[str, Session] = OrderedDict()
        self.lock = threading.Lock()
        self.ids = itertools.count(1)

    def get(self, sid: str) -> Session:
        with self.lock:
            s = self.items.get(sid)
            if s is None:
                s = self.items[sid] = Session()
                while len(self.items) > MAX_SESSIONS:
                    self.items.popitem(last=False)
            else:
                self.items.move_to_end(sid)
            return s

    def next_id(self) -> int:
        return next(self.ids)
