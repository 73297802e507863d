"""The citizen keeps the receipt, in a real headless Chromium on a phone-sized window with
JavaScript off: the confirmation survives a reload, the PDF and the image download, printing
shows the receipt alone, and once the code is removed the page says what to do instead."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_main_path import apply_without_js

pytestmark = pytest.mark.e2e


def test_citizen_saves_the_receipt_then_removes_the_code(world, new_page, tmp_path):
    page = new_page(js=False, lang="zh-CN", width=390)
    number, code = apply_without_js(page, world)

    # A phone reloads the tab (after taking a photo, switching language): the receipt stays.
    page.reload()
    expect(page.locator("#query-code")).to_have_text(code)
    expect(page.locator("#receipt")).to_contain_text(world.county_centre.name)
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as pdf_download:
        page.locator("#save-receipt a").nth(0).click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"receipt-{number}.pdf"
    assert code.replace("-", "") not in pdf.url.replace("-", "")
    pdf_path = tmp_path / pdf.suggested_filename
    pdf.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")

    with page.expect_download() as png_download:
        page.locator("#save-receipt a").nth(1).click()
    png = png_download.value
    assert png.suggested_filename == f"receipt-{number}.png"
    png_path = tmp_path / png.suggested_filename
    png.save_as(png_path)
    assert Image.open(io.BytesIO(png_path.read_bytes())).format == "PNG"

    # Printed: the receipt alone, without the menus and the save and remove boxes.
    page.emulate_media(media="print")
    expect(page.locator("#receipt")).to_be_visible()
    expect(page.locator("#query-code")).to_be_visible()
    for hidden in (".site-header", "#save-receipt", "#forget-receipt"):
        expect(page.locator(hidden)).to_be_hidden()
    page.emulate_media(media="screen")

    # Removed at once (a shared computer): the number stays, the code is gone for good.
    page.locator("#forget-receipt button[type=submit]").click()
    expect(page.locator("#case-number")).to_have_text(number)
    expect(page.locator("#query-code")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(world.county_centre.name)
    page.reload()
    expect(page.locator("#query-code")).to_have_count(0)
    expect(page.locator("#code-gone")).to_be_visible()
    assert code not in page.content()

    # From there to the lookup page, which explains the same recovery path.
    page.locator("main a.button").first.click()
    expect(page.locator("[name=number]")).to_have_value(number)
    expect(page.locator("#lost-code ol li")).to_have_count(3)


def test_print_button_with_javascript(world, new_page):
    page = new_page(js=True, lang="en", width=390)
    page.goto(page.base + "/apply")
    page.fill("[name='applicants-0-name']", "Wang")
    page.fill("[name='applicants-0-phone']", "13812345678")
    page.fill("[name='respondents-0-name']", "Li")
    page.select_option("[name='county']", str(world.county.id))  # htmx fills the townships
    expect(page.locator(f"[name='township'] option[value='{world.township.id}']")).to_be_attached()
    page.select_option("[name='township']", str(world.township.id))
    page.check("input[name='dispute_type'][value='LL']")
    page.fill("[name='summary']", "The neighbour's new wall blocks the drain.")
    page.fill("[name='requests']", "Open the drain again")
    page.check("[name='declaration']")
    page.locator("button[value='submit']").last.click()
    expect(page.locator("#query-code")).to_be_visible()
    button = page.get_by_role("button", name="Print")
    expect(button).to_be_visible()
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    button.click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
