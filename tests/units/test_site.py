"""The staff site's doors: login, lockout, password change, language, error pages."""

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_wrong_password_gets_a_clear_chinese_message(client, reporter_a):
    response = client.post(reverse("login"), {"username": "reporter_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_a_correct_login_lands_on_the_home_page(client, reporter_a):
    response = client.post(
        reverse("login"), {"username": "reporter_a", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "甲镇" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_chinese_message(client, reporter_a):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "reporter_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "reporter_a", "password": TEST_PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "账号已锁定" in page
    assert "15 分钟" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_so_colleagues_can_still_log_in(client, reporter_a, reporter_b):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "reporter_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "reporter_b", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_password_change_needs_the_old_password_and_a_strong_new_one(client, reporter_a):
    client.force_login(reporter_a)
    weak = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    page = weak.content.decode()
    assert "密码太短：至少需要 10 个字符" in page
    assert "新密码" in page  # the field is named in Chinese
    strong = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "黄桥镇-2026-spring",
            "new_password2": "黄桥镇-2026-spring",
        },
    )
    assert strong.status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.check_password("黄桥镇-2026-spring")


def test_logout_needs_a_post(client, reporter_a):
    client.force_login(reporter_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_unknown_page_is_a_chinese_404_page(client, reporter_a):
    client.force_login(reporter_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_an_unknown_unit_code_is_a_404_not_an_error(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("units:unit_detail", args=["NOPE"]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_site_is_chinese_by_default_and_english_can_be_chosen(client, office_user):
    client.force_login(office_user)
    assert "单位类别" in client.get(reverse("units:unit_list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/units/"})
    english = client.get(reverse("units:unit_list")).content.decode()
    assert "Unit category" in english
    assert "单位类别" not in english


def test_pages_load_nothing_from_another_origin(client, office_user, unit_a):
    client.force_login(office_user)
    for url in [reverse("home"), reverse("units:unit_list"), reverse("login")]:
        page = client.get(url).content.decode()
        assert "http://" not in page.replace("http://testserver", "")
        assert "https://" not in page
        assert "//cdn" not in page
    response = client.get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_admin_is_in_chinese(client, office_user):
    client.force_login(office_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "单位与干部" in page
    assert "考核系统管理" in page


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client, office_user):
    client.force_login(office_user)
    page = client.get(reverse("units:unit_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "单位类别" in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/units/"})
    assert "Unit category" in client.get(reverse("units:unit_list")).content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_itself(client, language):
    """Whatever language the page is in, a reader finds their own: 简体中文 and English."""
    client.cookies["django_language"] = language
    page = client.get(reverse("login")).content.decode()
    assert '<option value="zh-hans" lang="zh-hans"' in page
    assert ">简体中文</option>" in page and ">English</option>" in page
    assert "英语" not in page and "Simplified Chinese" not in page


def test_every_page_names_the_site_icon(client):
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in page and "favicon" in page


def test_third_party_admin_sections_are_in_chinese(client, db):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", unit=None, is_staff=True, is_superuser=True, role=None)
    client.force_login(admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "登录尝试" in page and "后台任务" in page
    for english in ("Axes", "Access attempts", "Tasks Database Backend", "Task results"):
        assert english not in page
