"""The glossary check (devtools/glossary.py): it fails on each variant the review of the Chinese
interface found, naming the place, and the project as it is passes it."""

import pytest

from devtools import glossary

PO = "locale/zh_Hans/LC_MESSAGES/django.po"


def po_entry(msgid: str, msgstr: str, msgctxt: str | None = None) -> str:
    context = f'msgctxt "{msgctxt}"\n' if msgctxt else ""
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return f'{header}#: somewhere.py\n{context}msgid "{msgid}"\nmsgstr "{msgstr}"\n'


def found(findings) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.found) for f in findings]


# Each variant as the review found it: (msgctxt, msgid, msgstr, the word to be named).
CATALOGUE_VARIANTS = [
    # 1. entering records, the value, the failed save and the required entry
    (None, "Record evidence", "录入平时记录", "录入"),
    (None, "Recorded by", "录入人", "录入人"),
    ("record", "Value", "值", "值"),
    (None, "Nothing was saved. Please correct the marked fields.", "请更正标出的字段。", "字段"),
    (None, "This field is required.", "这个字段是必填项。", "这个字段是必填项"),
    (None, "A value is required.", "此项不能为空。", "此项不能为空"),
    # 2. the satisfaction survey named like the democratic evaluation
    (None, "survey rate", "测评得分率", "测评得分率"),
    (None, "survey rate (测评)", "测评", "测评"),
    # 3. a deduction record called a mistake
    (None, "failure", "失误", "失误"),
    (None, "Record a failure", "记录失误", "失误"),
    # 4. units and cadres in words for equipment
    ("unit", "Active", "在用", "在用"),
    ("unit", "inactive", "已停用", "已停用"),
    ("cadre", "inactive", "已停用", "已停用"),
    (None, "Activate selected units", "启用所选单位", "启用"),
    # 5. an objection not accepted, as if sent back
    ("objection", "rejected", "已退回", "已退回"),
    # 6. reminders
    ("reminder", "What", "操作", "操作"),
    (None, "%(count)s target or base missing", "缺少 %(count)s 项目标值或基数", "项目标值"),
    (None, "verification of records", "记录审核", "审核"),
    # 7. quoting
    (None, "Unknown unit code “%(value)s”.", "未知的单位代码 “%(value)s”。", "“"),
    (None, "Unit “%(value)s”.", "单位「 %(value)s」", "「 "),
    # 8. number ranked, rater groups, codes and slips
    (None, "number ranked", "参与排名数", "参与排名数"),
    (None, "Number ranked", "参评总数", "参评总数"),
    ("rater group", "Group", "分组", "分组"),
    (None, "Codes", "编码", "编码"),
    (None, "Make slips (PDF)", "生成纸条（PDF）", "纸条"),
    # 10. the leaders' pages
    (None, "Indicators at risk", "风险指标", "风险"),
    (None, "Cadre dossier", "干部档案", "档案"),
    (None, "Standings projected on %(today)s.", "%(today)s 根据平时记录测算", "%(today)s"),
    # and the glossary's other rows
    (None, "collecting evidence", "平时记录采集中", "平时记录采集中"),
    (None, "Published results", "公布结果", "公布结果"),
    (None, "waiting for the worker", "等待后台任务进程", "后台任务进程"),
    (None, "At most %(count)s files can be attached.", "最多 %(count)s 个附件。", "附件"),
]


@pytest.mark.parametrize(("msgctxt", "msgid", "msgstr", "word"), CATALOGUE_VARIANTS)
def test_the_check_fails_on_each_variant_in_the_catalogue_and_names_the_line(
    msgctxt, msgid, msgstr, word
):
    text = po_entry(msgid, msgstr, msgctxt)
    line = text.splitlines().index(f'msgstr "{msgstr}"') + 1
    findings = glossary.check_po(text, PO)
    assert (PO, line, word) in found(findings)
    assert f"{PO}:{line}: found 「{word}」, use 「" in str(findings[0])


@pytest.mark.parametrize(
    ("msgctxt", "msgid", "msgstr"),
    [
        # the glossary's own exceptions, and the terms it asks for
        ("user", "Deactivated", "已停用"),  # a user account is switched off
        (None, "Attachments", "附件"),  # the file field's short label
        (None, "enter ranks, grades, surveys and evaluations", "录入排名、等级和测评得分"),
        ("record", "rejected", "已退回"),  # a record sent back to its unit
        ("indicator group", "Group", "指标分组"),
        (None, "Evaluation score", "测评得分"),  # the democratic evaluation keeps 测评
        (None, "Unit code “%(value)s”", "单位代码「%(value)s」不存在，请核对或先导入该单位。"),
        ("objection", "rejected", "不予采纳"),
        ("cadre", "inactive", "离任"),
        ("unit", "inactive", "不参加考核"),
        (None, "satisfaction survey", "满意度测评"),
    ],
)
def test_the_glossarys_terms_and_exceptions_pass(msgctxt, msgid, msgstr):
    assert glossary.check_po(po_entry(msgid, msgstr, msgctxt), PO) == []


def test_the_check_reads_multi_line_entries_and_plurals():
    text = (
        'msgid ""\nmsgstr ""\n\n'
        '#: a.py\nmsgid ""\n"Recorded "\n"by"\nmsgstr ""\n"录入"\n"人"\n\n'
        '#: b.py\nmsgid "%(n)s failure"\nmsgid_plural "%(n)s failures"\nmsgstr[0] "%(n)s 项失误"\n'
    )
    assert found(glossary.check_po(text, PO)) == [(PO, 8, "录入人"), (PO, 15, "失误")]


def test_the_check_fails_on_english_left_in_a_template():
    template = (
        "{% load i18n %}\n"
        '<nav aria-label="breadcrumb"><ol class="breadcrumb"></ol></nav>\n'
        "<td>v{{ publication.version }}</td>\n"
        '<p id="changes-v{{ item.number }}">{% translate "A “quoted” word" %}</p>\n'
    )
    findings = glossary.check_template(template, "templates/public/year.html")
    assert found(findings) == [
        ("templates/public/year.html", 2, 'aria-label="breadcrumb"'),
        ("templates/public/year.html", 3, "v{{"),
    ]


def test_the_check_fails_on_chinese_text_in_a_template():
    findings = glossary.check_template("<p>请更正标出的字段。</p>\n", "templates/a.html")
    assert found(findings) == [("templates/a.html", 1, "字段")]


def test_the_check_reads_chinese_literals_in_code_but_not_docstrings_or_comments():
    code = (
        '"""Failures (失误) of a unit."""\n'
        "# 录入 in a comment\n"
        "HEADERS = ('行号', '列', '值', '问题')\n"
        "def f():\n"
        '    """录入人 in a docstring."""\n'
        "    return Column('recorder', '录入人')\n"
    )
    findings = glossary.check_code(code, "assessment/imports/kinds.py")
    assert found(findings) == [
        ("assessment/imports/kinds.py", 3, "值"),
        ("assessment/imports/kinds.py", 6, "录入人"),
    ]


def test_a_workbook_header_stays_as_the_spec_names_it():
    code = "TOTAL = Column('total', '参评总数')\nHELP = '参评总数：填写整数。'\n"
    assert found(glossary.check_code(code, "assessment/imports/kinds.py")) == [
        ("assessment/imports/kinds.py", 2, "参评总数")
    ]
    assert sorted(found(glossary.check_code(code, "reports/staff/bonus.py"))) == [
        ("reports/staff/bonus.py", 1, "参评总数"),
        ("reports/staff/bonus.py", 2, "参评总数"),
    ]


def test_the_command_exits_1_and_lists_the_places(tmp_path, capsys):
    (tmp_path / "locale/zh_Hans/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / PO).write_text(po_entry("failure", "失误"), encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/a.html").write_text('<nav aria-label="breadcrumb"></nav>\n')
    (tmp_path / "units").mkdir()
    (tmp_path / "units/roles.py").write_text("LABEL = '已停用'\n", encoding="utf-8")
    (tmp_path / "units/migrations").mkdir()
    (tmp_path / "units/migrations/0001_initial.py").write_text("X = '失误'\n", encoding="utf-8")

    assert glossary.main([str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": found")[0] for line in lines] == [
        f"{PO}:7",
        "templates/a.html:1",
        "units/roles.py:1",
    ]
    assert lines[0] == (
        f"{PO}:7: found 「失误」, use 「扣分事项」 (失误 blames a person; the office records a "
        "deduction item (扣分项) against a unit)"
    )


def test_the_project_speaks_the_glossarys_words():
    findings = glossary.check_tree()
    assert findings == [], "\n".join(str(f) for f in findings)
