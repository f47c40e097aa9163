"""The public catalogue and dataset pages: no login, Chinese first and English, search and facets,
metadata (publisher, licence, frequency, coverage, version), the privacy method and budget, a preview and
every version's downloads."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sharecity.hub.opendata.services import datasets_refresh
from tests.hub.slice import run_slice
from tests.hub.test_opendata_portal import next_month, pump

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    the_slice = run_slice(district="350203", name="鹭江共享停车")
    pump()
    datasets_refresh(now=next_month())
    return the_slice


def test_the_catalogue_searches_and_filters_by_facet_without_login(city):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = client.get("/opendata/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-hans">' in html and "<h1>开放数据</h1>" in html
    assert html.count('data-testid="od-dataset"') == 9 and "共享经济平台企业名录" in html
    assert '<label for="od-q">' in html
    html = client.get("/opendata/", {"q": "行政处罚"}).content.decode()
    assert html.count('data-testid="od-dataset"') == 1 and "行政处罚信息公示" in html
    html = client.get("/opendata/", {"organization": "development-reform"}).content.decode()
    assert html.count('data-testid="od-dataset"') == 2
    assert re.search(r'aria-current="true">发展改革部门', html)
    html = client.get("/opendata/", {"organization": "development-reform", "tags": "红黑名单"}).content.decode()
    assert html.count('data-testid="od-dataset"') == 1 and "守信红名单" in html
    refused = client.get("/opendata/", {"q": "bad\x01query"})
    assert refused.status_code == 400 and "control characters" in refused.content.decode()


def test_the_catalogue_speaks_english(city):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/opendata/").content.decode()
    assert '<html lang="en">' in html and "<h1>Open data</h1>" in html
    assert "Directory of sharing-economy platforms" in html and "Datasets found: 9" in html
    html = client.get("/opendata/dataset/monthly-statistics/").content.decode()
    assert "Monthly statistics by district and sector" in html and "Privacy protection" in html
    assert "Creative Commons Attribution 4.0" in html and "Monthly" in html


def test_a_dataset_page_shows_metadata_privacy_preview_and_versions(city):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = client.get("/opendata/dataset/platform-directory/").content.decode()
    assert "<h1 data-testid=\"od-title\">共享经济平台企业名录</h1>" in html
    assert "市场监督管理部门" in html and "每日" in html and "350200" in html
    assert city.platform.name in html  # the preview
    assert "/opendata/dataset/platform-directory/download/platform-directory.csv?version=1" in html
    assert "datapackage.json" in html and 'data-testid="od-privacy"' not in html
    html = client.get("/opendata/dataset/monthly-statistics/").content.decode()
    assert 'data-testid="od-privacy"' in html and "离散拉普拉斯" in html
    assert re.search(r"<dd>5</dd>", html) and re.search(r"<dd>1.0</dd>", html)
    assert client.get("/opendata/dataset/no-such/").status_code == 404
