"""The query page in Debian's headless chromium: type a query, submit, see the result table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import headless_chromium
from tests.sparql.test_serve import start_server, stop_server


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    driver = headless_chromium(tmp_path)
    yield driver
    driver.quit()


def test_type_a_query_and_see_the_result_table(release: Path, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    process, url = start_server(release, release.parent)
    try:
        driver.get(url + "/")  # type: ignore[attr-defined]
        textarea = driver.find_element(By.ID, "query")  # type: ignore[attr-defined]
        textarea.clear()
        textarea.send_keys(
            "PREFIX nida: <https://w3id.org/nida/ontology#>\n"
            "SELECT ?ordinal ?printed WHERE { ?s a nida:Signature ; nida:ordinal ?ordinal ;"
            " nida:nameAsPrinted ?printed } ORDER BY ?ordinal LIMIT 3")
        driver.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
        table = WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.ID, "result-table")))
        header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
        cells = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                 for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
        assert header == ["ordinal", "printed"]
        assert cells == [["1", "Syrians For Truth and Justice"],
                         ["2", "ASO Center for Consultancy and Strategic Study"],
                         ["3", "Ezdina Organization"]]
        assert driver.find_element(By.ID, "status").text == "3 rows"  # type: ignore[attr-defined]

        textarea = driver.find_element(By.ID, "query")  # type: ignore[attr-defined]
        textarea.clear()
        textarea.send_keys("DROP ALL")
        driver.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(ec.text_to_be_present_in_element((By.ID, "error"), "refused"))
    finally:
        stop_server(process)
