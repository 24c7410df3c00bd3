"""Relationships for bootstrap: declared foreign keys and keys inferred from names, each verified
on the data before it is declared.

- A declared foreign key is declared many-to-one when its target columns are unique (a primary
  key says so; otherwise a bounded check on the data); else it is refused and reported.
- Where no foreign key covers a column, its name proposes a parent: `customer_id`, `custNo` or
  `origin_airport_id` point at the table whose entity is customer or airport (its key, or a column
  of the same name). Such a guess is declared only when the parent's column is unique and every
  sampled child value is found in it (value containment).
- A table without a declared key is keyed by its first column when that is named after the table
  (`drId` in doctor, `empNo` in hrEmp) and unique on the data.
- A key-like column whose name names no table falls back to the only key it can mean: `mgrNo`
  (manager, supervisor, parent...) to its own table's key, `StudentID` to the one table of the
  schema with a bare `ID` column (two such tables: ambiguous, refused). The words such columns
  share across tables ("student") become names of the target's rows (`aliases`).
- Two links from one table to another (origin and destination airport), or a table to itself
  (parent category), carry a role: the words of the child column before the parent's entity.
  Bootstrap turns them into role-named dimensions (`semantic/role_dimensions.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from nexatron.semantic.naming import Vocabulary, readable_words, singular
from nexatron.semantic.probe import Probe, contained, unique
from nexatron.warehouse.types import ColumnInfo, SchemaSnapshot, TableInfo

KEY_WORDS = frozenset({"id", "key", "number", "code", "uuid", "guid", "ref", "reference", "fk"})
_NUMERIC = frozenset({"integer", "decimal", "float"})
# Words of a column that points at another row of its own table (`mgrNo` -> `empNo`).
HIERARCHY_WORDS = frozenset(
    {"manager", "supervisor", "boss", "parent", "reports", "mentor", "head", "superior"}
)


@dataclass(frozen=True)
class Link:
    """A verified many-to-one link: child columns -> parent columns."""

    child: TableInfo
    child_columns: tuple[str, ...]
    parent: TableInfo
    parent_columns: tuple[str, ...]
    source: Literal["foreign_key", "name"]
    how: str
    stem: tuple[str, ...] = ()  # the child column's words before the key word ("origin airport")
    role: tuple[str, ...] = field(default=())  # set when the link needs one
    # the column's name names no table (`StudentID` -> HighSchooler): its stem is the role
    fallback: bool = False


@dataclass(frozen=True)
class Refused:
    """A relationship bootstrap did not declare, and why."""

    child: str
    child_columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    source: Literal["foreign_key", "name"]
    reason: str

    def describe(self) -> str:
        left = ", ".join(f"{self.child}.{c}" for c in self.child_columns)
        right = ", ".join(f"{self.parent}.{c}" for c in self.parent_columns)
        return f"{left} -> {right}"


def _compatible(a: ColumnInfo, b: ColumnInfo) -> bool:
    return (a.type in _NUMERIC and b.type in _NUMERIC) or a.type == b.type


def _stem(w: list[str]) -> list[str]:
    """A column's words without its trailing key word: `origin_airport_id` -> origin airport."""
    return w[:-1] if len(w) > 1 and w[-1] in KEY_WORDS else w


def _entity_led(entity: list[str], words: list[str]) -> list[str]:
    """ "type code" in transaction types -> transaction type code."""
    n = len(entity)
    if words[:n] == entity:
        return words
    if words and entity[-1] == words[0]:
        return [*entity, *words[1:]]
    return [*entity, *words]


# Endings of nouns for what a person does (requester, assignee, author, applicant, recipient,
# dentist); words with these endings that are things, not people, are listed apart.
_PERSON_ENDINGS = ("er", "or", "ee", "ist", "ant", "ent")
_NOT_PERSONS = frozenset(
    {
        *("order", "center", "centre", "meter", "container", "folder", "parameter", "header"),
        *("counter", "register", "filter", "layer", "tier", "sector", "vector", "factor"),
        *("floor", "door", "color", "colour", "error", "sensor", "monitor", "carrier", "server"),
        *("printer", "computer", "router", "trailer", "voucher", "ledger", "cluster", "chapter"),
        *("quarter", "semester", "letter", "paper", "poster", "banner", "marker", "tracker"),
        *("cover", "river", "water", "power", "tower", "event", "segment", "payment", "shipment"),
        *("department", "equipment", "document", "component", "content", "element", "account"),
        *("parent", "plant", "grant", "variant", "restaurant", "entree", "master", "number"),
        *("vendor", "supplier", "provider", "distributor", "manufacturer", "shipper"),
    }
)
_PERSON_NAME_WORDS = frozenset({"first", "last", "full", "given", "family", "middle"})


def _person_role(stem: list[str]) -> bool:
    """One word naming what a person does (`requester`, `assignee`, `author`)."""
    if len(stem) != 1:
        return False
    word = stem[0]
    return len(word) >= 5 and word.endswith(_PERSON_ENDINGS) and word not in _NOT_PERSONS


def _has_person_name(t: TableInfo, vocabulary: Vocabulary | None) -> bool:
    """A table of people: a text column named as a person's name (`FullName`, `first_name`,
    `lastNm`, `surname`)."""
    for col in t.columns:
        if col.type != "string":
            continue
        w = readable_words(col.name, vocabulary)
        if "surname" in w or ("name" in w and set(w) & _PERSON_NAME_WORDS):
            return True
    return False


def _single_key(t: TableInfo) -> str | None:
    keys = t.primary_key or [c.name for c in t.columns if c.primary_key]
    return keys[0] if len(keys) == 1 else None


def _abbreviates(short: str, word: str) -> bool:
    """`dr` for doctor, `emp` for employee: same first letter, the rest in order."""
    if short == word:
        return True
    it = iter(word[1:])
    return bool(short) and short[0] == word[0] and all(ch in it for ch in short[1:])


def _key_candidate(
    t: TableInfo, vocabulary: Vocabulary | None, entity: list[str] | None = None
) -> str | None:
    """The declared single-column key, else (no key declared) a first column named like a key
    after its own table (`drId` in doctor, `empNo` in hrEmp; not `StudentID` in ClubMember):
    only a candidate, its uniqueness is checked on the data."""
    declared = t.primary_key or [c.name for c in t.columns if c.primary_key]
    if declared:
        return declared[0] if len(declared) == 1 else None
    if not t.columns:
        return None
    first = t.columns[0]
    w = readable_words(first.name, vocabulary)
    if len(w) < 2 or w[-1] not in KEY_WORDS:
        return None
    if entity is not None and not _abbreviates(singular(w[-2]), entity[-1]):
        return None
    return first.name


class LinkFinder:
    def __init__(
        self,
        schema: SchemaSnapshot,
        entities: dict[str, list[str]],
        ref: dict[str, str],
        probe: Probe | None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.schema, self.entities, self.ref, self.probe = schema, entities, ref, probe
        self.vocabulary = vocabulary
        self.links: list[Link] = []
        self.refused: list[Refused] = []
        # Candidate parents by the last word of their entity, and by their key's column name:
        # a column is compared with those only, not with every table.
        self._by_last_word: dict[str, list[TableInfo]] = {}
        self._by_key_name: dict[str, list[TableInfo]] = {}
        self._guessed_keys: dict[str, bool] = {}
        self._bare: dict[str, list[tuple[TableInfo, ColumnInfo]]] | None = None
        for table in schema.tables:
            self._by_last_word.setdefault(entities[self._key(table)][-1], []).append(table)
            key = _key_candidate(table, vocabulary, entities[self._key(table)])
            if key is not None:
                self._by_key_name.setdefault(key.lower(), []).append(table)

    def _key_holds(self, t: TableInfo) -> bool:
        """A declared key holds; a key guessed from a first column only when unique on data."""
        if _single_key(t) is not None:
            return True
        k = self._key(t)
        if k not in self._guessed_keys:
            key = _key_candidate(t, self.vocabulary, self.entities[k])
            self._guessed_keys[k] = bool(
                key and self.probe is not None and unique(self.probe, self.ref[k], [key]).ok
            )
        return self._guessed_keys[k]

    def _key(self, t: TableInfo) -> str:
        return t.qualified_name.lower()

    def _unique(self, parent: TableInfo, columns: list[str]) -> tuple[bool | None, str]:
        pk = {c.lower() for c in (parent.primary_key or [])}
        if pk and pk == {c.lower() for c in columns}:
            return True, "primary key"
        if self.probe is None:
            return None, "not checked: no connection to check on"
        check = unique(self.probe, self.ref[self._key(parent)], columns)
        return check.ok, check.how

    def find(self) -> tuple[list[Link], list[Refused]]:
        covered: set[tuple[str, str]] = set()
        for t in self.schema.tables:
            for fk in t.foreign_keys:
                self._declared(t, fk.columns, fk.ref_schema, fk.ref_table, fk.ref_columns)
                covered.update((self._key(t), c.lower()) for c in fk.columns)
        for t in self.schema.tables:
            for c in t.columns:
                if (self._key(t), c.name.lower()) not in covered:
                    self._inferred(t, c)
        return self._with_roles(), self.refused

    def aliases(self, links: list[Link]) -> dict[str, list[str]]:
        """What other tables call a table when their key columns name no table: `StudentID` in
        ClubMember, Friend and TestScore, all toward HighSchooler -> "student". A word counts
        when columns of at least two tables use it (one column may name a role: `LikedID`)."""
        seen: dict[tuple[str, str], set[str]] = {}
        for link in links:
            if not link.fallback or not link.stem or set(link.stem) & HIERARCHY_WORDS:
                continue
            word = " ".join([*link.stem[:-1], singular(link.stem[-1])])
            seen.setdefault((self._key(link.parent), word), set()).add(self._key(link.child))
        out: dict[str, list[str]] = {}
        for (parent, word), children in seen.items():
            if len(children) >= 2:
                out.setdefault(parent, []).append(word)
        return out

    def _declared(
        self,
        t: TableInfo,
        columns: list[str],
        ref_schema: str | None,
        ref_table: str,
        ref_columns: list[str],
    ) -> None:
        parent = self.schema.table(f"{ref_schema}.{ref_table}" if ref_schema else ref_table)
        if parent is None:
            self.refused.append(
                Refused(
                    t.qualified_name,
                    tuple(columns),
                    ref_table,
                    tuple(ref_columns),
                    "foreign_key",
                    "the target table is not in the introspected schema",
                )
            )
            return
        ok, how = self._unique(parent, ref_columns)
        if ok:
            stem = tuple(_stem(self._words(columns[0]))) if len(columns) == 1 else ()
            self.links.append(
                Link(t, tuple(columns), parent, tuple(ref_columns), "foreign_key", how, stem)
            )
            return
        reason = (
            f"the target columns are not unique in the data ({how}); joining would repeat rows"
            if ok is False
            else f"could not verify that the target columns are unique ({how})"
        )
        self.refused.append(
            Refused(
                t.qualified_name,
                tuple(columns),
                parent.qualified_name,
                tuple(ref_columns),
                "foreign_key",
                reason,
            )
        )

    def _words(self, column: str) -> list[str]:
        return readable_words(column, self.vocabulary)

    def _parents(self, t: TableInfo, c: ColumnInfo) -> list[tuple[TableInfo, ColumnInfo]]:
        """Tables whose entity the column's name points at, with the column it would match."""
        words = self._words(c.name)
        stem = _stem(words)
        keyish = len(words) > 1 and words[-1] in KEY_WORDS
        said = [*stem[:-1], singular(stem[-1])]
        out: list[tuple[TableInfo, ColumnInfo]] = []
        exact: list[bool] = []
        named = self._by_last_word.get(said[-1], [])
        keyed = [
            p
            for p in self._by_key_name.get(c.name.lower(), [])
            if p not in named and self._key_holds(p)
        ]
        for p in [*named, *keyed]:
            entity = self.entities[self._key(p)]
            n = len(entity)
            k = min(len(said), n)  # "status code" names transaction statuses too
            partial = k < n  # never for a table's own key (tracks.track_id is not a playlist's)
            own_key = _single_key(t) is not None and str(_single_key(t)).lower() == c.name.lower()
            names_entity = said[-k:] == entity[-k:] and (
                not partial or (p is not t and not own_key)
            )
            # a key (`customer_id`, `custNo`) or a text column named as the entity (`category`)
            names_entity = names_entity and (keyish or (c.type == "string" and said == entity))
            target: ColumnInfo | None = None
            if names_entity:
                if p is t and len(stem) <= n:
                    continue  # a table's own key, not a link to itself
                target = self._target(p, t, c, words, entity)
            elif keyish and p is not t:
                same = p.column(c.name)
                pkey = _key_candidate(p, self.vocabulary, self.entities[self._key(p)])
                if same is not None and same.name == pkey:
                    target = same  # custNo in transactions -> custNo, the customers' key
            if target is None or (p is t and target.name.lower() == c.name.lower()):
                continue
            if _compatible(c, target):
                out.append((p, target))
                exact.append(names_entity and not partial)
        if len(out) > 1 and any(exact):  # tracks, not playlist tracks, for track_id
            out = [x for x, e in zip(out, exact, strict=True) if e]
        if len(out) > 1:  # prefer the child's own schema
            own = [x for x in out if x[0].schema_name == t.schema_name]
            out = own or out
        return out

    def _target(
        self, p: TableInfo, t: TableInfo, c: ColumnInfo, words: list[str], entity: list[str]
    ) -> ColumnInfo | None:
        """The parent's column a child column names: the same name, the parent's key, a key
        column the child's name ends with (`srcAcctNo` -> `acctNo`), or `id`."""
        same = p.column(c.name)
        if same is not None and p is not t:
            return same
        pkey = _single_key(p)
        if pkey is not None:
            return p.column(pkey)
        for col in p.columns:
            led = _entity_led(entity, self._words(col.name))
            if len(led) >= 2 and led[-1] in KEY_WORDS and words[-len(led) :] == led:
                return col
        bare = p.column("id")
        if bare is not None:
            return bare
        # `PatronRef` -> Patron's first column `PatronID`, `AcctRef` -> `AcctNo`: the parent's
        # key guessed from its first column (unique on the data), whatever its key word
        key = _key_candidate(p, self.vocabulary, entity)
        return p.column(key) if key and p is not t and self._key_holds(p) else None

    def _inferred(self, t: TableInfo, c: ColumnInfo) -> None:
        if c.type not in _NUMERIC | {"string", "uuid"}:
            return
        parents = self._parents(t, c) or self._lookups(t, c)
        if not parents:
            self._fallback(t, c)
            return
        if len(parents) > 1:
            self._refuse_several(
                t, c, parents, "the name fits several tables ({}); declare the right one by hand"
            )
            return
        parent, target = parents[0]
        self._verify(t, c, parent, target)

    def _refuse_several(
        self,
        t: TableInfo,
        c: ColumnInfo,
        candidates: list[tuple[TableInfo, ColumnInfo]],
        reason: str,
    ) -> None:
        """Refuse a name link that fits several parent columns; `reason` names them at `{}`."""
        names = ", ".join(f"{p.qualified_name}.{x.name}" for p, x in candidates)
        first, key = candidates[0]
        self.refused.append(
            Refused(
                t.qualified_name,
                (c.name,),
                first.qualified_name,
                (key.name,),
                "name",
                reason.format(names),
            )
        )

    def _lookups(self, t: TableInfo, c: ColumnInfo) -> list[tuple[TableInfo, ColumnInfo]]:
        """A text column named exactly as another table's first column, where that table has no
        key of its own (`Priority` in tickets, `SlaPolicy(Priority, PriorityName, ...)`): a code
        the other table describes. Only a candidate: `_verify` checks it is unique there and
        holds every sampled value."""
        if c.type != "string":
            return []
        out: list[tuple[TableInfo, ColumnInfo]] = []
        for p in self.schema.tables:
            if p is t or len(p.columns) < 2 or p.columns[0].name.lower() != c.name.lower():
                continue
            if p.columns[0].type != "string" or p.primary_key:
                continue
            if _key_candidate(p, self.vocabulary, self.entities[self._key(p)]) is not None:
                continue
            out.append((p, p.columns[0]))
        return out

    def _fallback(self, t: TableInfo, c: ColumnInfo) -> None:
        """A key-like column whose name names no table: `mgrNo` (a manager) points at its own
        table's key, `StudentID` at the one table keyed by a bare `ID` (HighSchooler). Declared
        only when exactly one such target exists, it is unique and holds every sampled value."""
        words = self._words(c.name)
        if len(words) < 2 or words[-1] not in KEY_WORDS or c.type not in _NUMERIC | {"string"}:
            return
        stem = _stem(words)
        own = self.entities[self._key(t)]
        targets: list[tuple[TableInfo, ColumnInfo]] = []
        if set(stem) & HIERARCHY_WORDS:
            key = _key_candidate(t, self.vocabulary, own)
            col = t.column(key) if key else None
            if col is not None and col.name != c.name and self._words(col.name)[-1] == words[-1]:
                targets.append((t, col))
        else:  # its own bare id makes the guess ambiguous too
            targets.extend(self._bare_ids().get(words[-1], []))
        targets = [(p, x) for p, x in targets if _compatible(c, x)]
        if not targets and _person_role(stem):
            if stem != own[: len(stem)] and c.name != _single_key(t):  # not its own key
                self._person(t, c)
            return
        if not targets:
            return
        if len(targets) == 1 and targets[0][0] is t and not set(stem) & HIERARCHY_WORDS:
            return  # a table's other id (`ExternalID`) is not a link to itself
        # TestID in TestScore: the table's own key, unless it repeats (FriendID in Friend)
        if stem == own[: len(stem)] and (
            self.probe is None or unique(self.probe, self.ref[self._key(t)], [c.name]).ok
        ):
            return
        if len(targets) > 1:
            names = ", ".join(f"{p.qualified_name}.{x.name}" for p, x in targets)
            self.refused.append(
                Refused(
                    t.qualified_name,
                    (c.name,),
                    targets[0][0].qualified_name,
                    (targets[0][1].name,),
                    "name",
                    f"the name names no table and several keys could be meant ({names})",
                )
            )
        elif targets:
            self._verify(t, c, *targets[0], fallback=True)

    def _person(self, t: TableInfo, c: ColumnInfo) -> None:
        """`RequesterId`, `AssigneeId`, `AuthorId`: a person's role names no table; it points at
        the schema's one table of people (a table with a first, last or full name column) whose
        key holds every sampled value. Several such tables holding them: ambiguous, refused."""
        people: list[tuple[TableInfo, ColumnInfo]] = []
        for p in self.schema.tables:
            if p is t or not _has_person_name(p, self.vocabulary):
                continue
            key = _key_candidate(p, self.vocabulary, self.entities[self._key(p)])
            col = p.column(key) if key else None
            if col is not None and _compatible(c, col) and self._key_holds(p):
                people.append((p, col))
        if self.probe is None or not people:
            return
        holding = [(p, x) for p, x in people if self._holds_values(t, c, p, x)]
        if len(holding) == 1:
            self._verify(t, c, *holding[0], fallback=True)
        elif len(holding) > 1:
            self._refuse_several(
                t,
                c,
                holding,
                "a person's role that names no table; several tables of people hold its"
                " values ({})",
            )

    def _holds_values(self, t: TableInfo, c: ColumnInfo, p: TableInfo, x: ColumnInfo) -> bool:
        assert self.probe is not None
        found = contained(
            self.probe, self.ref[self._key(t)], [c.name], self.ref[self._key(p)], [x.name]
        )
        return not found.error and found.checked > 0 and not found.missing

    def _bare_ids(self) -> dict[str, list[tuple[TableInfo, ColumnInfo]]]:
        """Tables with a column named by a key word alone (`ID`, `no`), by that word."""
        if self._bare is None:
            self._bare = {}
            for p in self.schema.tables:
                found: dict[str, list[ColumnInfo]] = {}
                for x in p.columns:
                    w = self._words(x.name)
                    if len(w) == 1 and w[0] in KEY_WORDS:
                        found.setdefault(w[0], []).append(x)
                for word, cols in found.items():
                    if len(cols) == 1:
                        self._bare.setdefault(word, []).append((p, cols[0]))
        return self._bare

    def _verify(
        self,
        t: TableInfo,
        c: ColumnInfo,
        parent: TableInfo,
        target: ColumnInfo,
        *,
        fallback: bool = False,
    ) -> None:
        """Declare the link child column -> parent column when the target is unique and holds
        every sampled child value; else report why not."""
        words = self._words(c.name)
        ok, how = self._unique(parent, [target.name])
        reason: str | None = None
        if ok is False:
            reason = f"{parent.qualified_name}.{target.name} is not unique ({how})"
        elif ok is None:
            reason = f"could not verify uniqueness ({how})"
        elif self.probe is None:
            reason = "not checked: no connection to check value containment on"
        else:
            found = contained(
                self.probe,
                self.ref[self._key(t)],
                [c.name],
                self.ref[self._key(parent)],
                [target.name],
            )
            if found.error:
                reason = f"could not check value containment ({found.error})"
            elif found.checked == 0:
                reason = "the column holds no values to check"
            elif found.missing:
                reason = (
                    f"{found.missing:,} of {found.checked:,} sampled values are not in "
                    f"{parent.qualified_name}.{target.name}"
                )
            else:
                how = f"{how}; {found.checked:,} sampled values all found"
        if reason is not None:
            self.refused.append(
                Refused(
                    t.qualified_name,
                    (c.name,),
                    parent.qualified_name,
                    (target.name,),
                    "name",
                    reason,
                )
            )
            return
        if fallback:
            how = f"{how}; the name names no table, the only key it can mean"
        self.links.append(
            Link(
                t,
                (c.name,),
                parent,
                (target.name,),
                "name",
                how,
                tuple(_stem(words)),
                fallback=fallback,
            )
        )

    def _with_roles(self) -> list[Link]:
        """Links sharing (child, parent), and links of a table to itself, get a role."""
        groups: dict[tuple[str, str], int] = {}
        for link in self.links:
            pair = (self._key(link.child), self._key(link.parent))
            groups[pair] = groups.get(pair, 0) + 1
        out: list[Link] = []
        for link in self.links:
            pair = (self._key(link.child), self._key(link.parent))
            if groups[pair] > 1 or link.child is link.parent:
                entity = self.entities[self._key(link.parent)]
                stem = list(link.stem) or entity
                words = [*stem[:-1], singular(stem[-1])]
                role = (
                    words if words[-len(entity) :] == entity or link.fallback else [*words, *entity]
                )
                link = replace(link, role=tuple(role))
            out.append(link)
        return out
