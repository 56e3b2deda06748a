"""The glossary check: the interface speaks the office's words (../shared/GLOSSARY.md).

Run as ``python -m devtools.glossary``: it reads the Chinese catalogue's msgstrs (with their
msgid and msgctxt, which tell which concept a word names), the templates, and the Chinese
string literals of the apps' code (not migrations, tests or docstrings), and prints one line
per word the glossary marks to avoid for that concept::

    locale/zh_Hans/LC_MESSAGES/django.po:123: found 「失误」, use 「扣分事项」 (…)

It exits 1 when it prints anything. The rules below are the glossary's "not" column as data:
what to avoid (a regular expression), what to use instead, why, and the narrow exceptions the
glossary allows (已停用 for a user account, 附件 as a file field's short label, 录入 for the
office's own data entry, the workbook headers as ../shared/spec/workbooks.md names them).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
CODE_DIRS = ("units", "assessment", "reports", "config")
TEMPLATE_DIR = "templates"

PO, TEMPLATE, CODE = "po", "template", "code"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TAG = re.compile(r"\{%.*?%\}")


@dataclass(frozen=True)
class Rule:
    """One word to avoid for one concept.

    ``avoid`` is searched in the Chinese text. For a msgstr, ``only`` and ``unless`` are
    searched in its msgctxt and msgid ("context|msgid"): the English says which concept the
    Chinese names, so a rule can hold for one concept and not for another. Templates and code
    have no msgid: a rule with ``only`` does not apply to them, ``unless`` never excuses them.
    ``keep`` lists (path, literal) pairs left as they are, e.g. a workbook header the spec names.
    A ``chinese_only`` rule looks at Chinese text only, and in a template at its text outside
    the ``{% %}`` tags (an English msgid may quote with “”).
    """

    concept: str
    avoid: str
    use: str
    why: str
    only: str | None = None
    unless: str | None = None
    sources: frozenset[str] = frozenset({PO, TEMPLATE, CODE})
    keep: tuple[tuple[str, str], ...] = ()
    chinese_only: bool = False
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", re.compile(self.avoid))

    def applies(self, source: str, english: str | None, text: str) -> bool:
        if source not in self.sources:
            return False
        if self.chinese_only and not CHINESE.search(TAG.sub("", text)):
            return False
        if english is None:
            return self.only is None
        if self.only and not re.search(self.only, english, re.IGNORECASE):
            return False
        return not (self.unless and re.search(self.unless, english, re.IGNORECASE))


# Spec headers (../shared/spec/workbooks.md) that the glossary would word differently: a header
# is a contract with the district's workbooks, so it stays as the spec names it.
_SPEC_HEADERS = tuple(
    (path, "参评总数")
    for path in (
        "assessment/imports/kinds.py",
        "assessment/imports/workbooks.py",
        "assessment/admin/resources.py",
    )
)


def _in_chinese_text(avoid: str, use: str, why: str) -> Rule:
    """A rule of the messages' punctuation: in the catalogue's and the templates' Chinese text."""
    return Rule("messages", avoid, use, why, sources=frozenset({PO, TEMPLATE}), chinese_only=True)


RULES: tuple[Rule, ...] = (
    Rule(
        "to record (unit) / recorded by",
        r"录入人",
        "填报人",
        "a unit fills in its records: 录入 is kept for the office's own data entry",
    ),
    Rule(
        "to record (unit)",
        r"录入(?!人)",
        "填报",
        "a unit fills in its records: 录入 is kept for the office's own data entry",
        unless=r"\b(enter|entered|enters|entering|typed)\b",
    ),
    Rule(
        "value of a record",
        r"(?<![\u4e00-\u9fff])值(?![\u4e00-\u9fff])",
        "数值",
        "a record's value is 数值 on every page, form and workbook",
    ),
    Rule(
        "messages",
        r"这个字段是必填项|此项不能为空",
        "此项为必填项",
        "one wording for a required entry",
    ),
    Rule("messages", r"字段", "此项", "an IT word: the office speaks of 项, not 字段"),
    Rule("messages", r"后台任务进程", "已排队，请稍候", "an IT word"),
    Rule("messages", r"提交失败", "保存未成功，请按红色提示修改后重新提交", "an IT word"),
    _in_chinese_text(r"[“”]", "「」", "values are quoted with 「」 in every message"),
    _in_chinese_text(r"「\s|\s」", "「X」", "no spaces inside 「」"),
    Rule(
        "messages",
        r"项目标值",
        "目标值或基数缺 N 项",
        "a count before 目标值 reads as 项目 (project)",
    ),
    Rule(
        "messages",
        r"^%\((today|date|when|as_of)\)s",
        "a sentence that opens with words, the date inside it",
        "a bare date opening a note reads as a heading",
        sources=frozenset({PO}),
    ),
    Rule(
        "deduction record",
        r"失误",
        "扣分事项",
        "失误 blames a person; the office records a deduction item (扣分项) against a unit",
    ),
    Rule(
        "cadre in office / left office",
        r"在用|已?停用|启用",
        "在任 / 离任",
        "在用 / 已停用 are words for equipment",
        only=r"cadre",
        unless=r"user|account",
    ),
    Rule(
        "unit taking part",
        r"启用",
        "参加考核",
        "启用 switches on equipment; a unit takes part in the assessment",
        only=r"\bactivat",
    ),
    Rule(
        "unit taking part / not",
        r"在用|已?停用",
        "参加考核 / 不参加考核",
        "在用 / 已停用 are words for equipment (已停用 stays right for a user account)",
        unless=r"user|account|cadre",
    ),
    Rule(
        "not accepted (an objection)",
        r"已?退回",
        "不予采纳",
        "退回 asks for a resubmission; an objection not accepted is decided: 不予采纳",
        only=r"objection",
    ),
    Rule(
        "number ranked",
        r"参评总数|参与排名数",
        "参与排名单位数",
        "参评 means the raters elsewhere",
        keep=_SPEC_HEADERS,
    ),
    Rule(
        "satisfaction survey / its rate",
        r"测评得分率",
        "满意度得分率",
        "测评 is the democratic evaluation (民主测评, 测评得分)",
    ),
    Rule(
        "satisfaction survey",
        r"(?<!满意度)(?<!民主)测评(?![码票主对轮])",
        "满意度测评",
        "测评 alone is the democratic evaluation",
        only=r"survey",
        unless=r"evaluat|ballot|vot",
    ),
    Rule(
        "rater group",
        r"分组",
        "测评主体",
        "分组 is an indicator group; raters are a 测评主体",
        only=r"rater|ballot",
    ),
    Rule(
        "voting code / survey code",
        r"编码",
        "测评码 / 问卷码",
        "one name for the code a rater or respondent types in",
    ),
    Rule(
        "printed code cards",
        r"纸条",
        "测评码卡 / 问卷码卡",
        "纸条 is a scrap of paper; the office hands out printed code cards",
    ),
    Rule(
        "verify",
        r"审核",
        "核实",
        "records are 核实 everywhere; 审核 is a different procedure",
    ),
    Rule(
        "attachment",
        r"附件",
        "佐证材料",
        "a record's documents are its 佐证材料 (附件 may stay as the file field's short label)",
        unless=r"^(\|)?attachments?:?$",
    ),
    Rule(
        "state of the year",
        r"平时记录采集中",
        "平时考核中",
        "the state's name in the office's calendar",
    ),
    Rule(
        "published results (menu)",
        r"(?<!已)公布结果",
        "已公布结果",
        "公布结果 reads as a command",
        only=r"published results",
    ),
    Rule(
        "version N",
        r"(?<![\w-])v\{\{|(?<![\w-])v%\(",
        "第 N 版",
        "v N is English",
        sources=frozenset({PO, TEMPLATE}),
    ),
    Rule(
        "a cadre's results across years",
        r"档案",
        "干部历年考核情况",
        "干部档案 is the personnel file kept by the organisation department",
    ),
    Rule(
        "behind schedule",
        r"风险",
        "序时进度滞后",
        "the office speaks of progress behind the pro-rata schedule, not of risk",
    ),
    Rule(
        "column of what is due",
        r"^操作$",
        "待办事项",
        "操作 heads a column of buttons; this column says what is due",
        only=r"^(reminder\|)?What$",
        sources=frozenset({PO}),
    ),
    Rule(
        "English left in a template",
        r"(?:aria-label|title|placeholder|alt)=\"[A-Za-z][^\"{]*\"",
        "{% translate '…' %}",
        "screen readers and tooltips read the label out in English",
        sources=frozenset({TEMPLATE}),
    ),
)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    found: str
    rule: Rule

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: found 「{self.found}」, use 「{self.rule.use}」 ({self.rule.why})"


def _check(
    text: str, source: str, path: str, line: int, english: str | None = None
) -> Iterator[Finding]:
    for rule in RULES:
        if not rule.applies(source, english, text):
            continue
        if (path, text) in rule.keep:
            continue
        # English msgids may quote with “”: a template's Chinese is its text outside the tags.
        seen = TAG.sub("", text) if rule.chinese_only and source == TEMPLATE else text
        for match in rule.pattern.finditer(seen):
            yield Finding(path, line + text.count("\n", 0, match.start()), match.group(), rule)


# --- the catalogue ----------------------------------------------------------------------------


@dataclass
class Entry:
    line: int = 0  # of the msgstr
    msgctxt: str = ""
    msgid: str = ""
    msgstr: str = ""


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def _entry(block: list[tuple[int, str]]) -> Entry | None:
    """One entry from its lines (comments and obsolete lines left out)."""
    entry, key = Entry(), ""
    for number, line in block:
        if line.startswith('"'):
            value = _unquote(line)
        else:
            key, _, rest = line.partition(" ")
            value = _unquote(rest)
            if key.startswith("msgstr"):
                # Plural forms: zh_Hans has one; each form is checked as a line of its own.
                entry.msgstr += "\n" if entry.msgstr else ""
                entry.line = entry.line or number
        if key == "msgctxt":
            entry.msgctxt += value
        elif key == "msgid":
            entry.msgid += value
        elif key.startswith("msgstr"):
            entry.msgstr += value
    return entry if entry.msgid else None


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file: enough of the format for msgctxt, msgid, msgstr, plurals.
    Entries are separated by blank lines, as msgmerge and makemessages write them."""
    entries: list[Entry] = []
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        line = raw.strip()
        if not line:
            entry = _entry(block)
            if entry is not None:
                entries.append(entry)
            block = []
        elif not line.startswith("#"):
            block.append((number, line))
    return entries


def check_po(text: str, path: str = str(CATALOGUE)) -> list[Finding]:
    findings: list[Finding] = []
    for entry in parse_po(text):
        english = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid
        findings += _check(entry.msgstr, PO, path, entry.line, english)
    return findings


# --- templates and code -----------------------------------------------------------------------


def check_template(text: str, path: str) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        findings += _check(line, TEMPLATE, path, number)
    return findings


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings: prose for developers."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def check_code(text: str, path: str) -> list[Finding]:
    tree = ast.parse(text, filename=path)
    skip = _docstrings(tree)
    findings: list[Finding] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and CHINESE.search(node.value)
        ):
            findings += _check(node.value, CODE, path, node.lineno)
    return sorted(findings, key=lambda finding: finding.line)


def _code_files(root: Path) -> Iterable[Path]:
    for folder in CODE_DIRS:
        for file in sorted((root / folder).rglob("*.py")):
            parts = file.relative_to(root).parts
            if "migrations" not in parts and "tests" not in parts:
                yield file


def check_tree(root: Path = ROOT) -> list[Finding]:
    findings: list[Finding] = []
    catalogue = root / CATALOGUE
    if catalogue.exists():
        findings += check_po(catalogue.read_text(encoding="utf-8"), str(CATALOGUE))
    for file in sorted((root / TEMPLATE_DIR).rglob("*.html")) + sorted(
        (root / TEMPLATE_DIR).rglob("*.txt")
    ):
        findings += check_template(file.read_text(encoding="utf-8"), str(file.relative_to(root)))
    for file in _code_files(root):
        findings += check_code(file.read_text(encoding="utf-8"), str(file.relative_to(root)))
    return findings


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    findings = check_tree(root)
    for finding in findings:
        print(finding)
    if findings:
        print(
            f"{len(findings)} word(s) the glossary (../shared/GLOSSARY.md) marks to avoid.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
