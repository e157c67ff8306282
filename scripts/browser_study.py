#!/usr/bin/env python3
# End-to-end run of `paltrain human-eval serve` in a real browser (Debian's chromium and
# chromium-driver, driven by Selenium from PyPI; `make test` puts Selenium in .venv-browser):
# signs in with an ID full of markup, chats 3 turns (markup and script in the messages), reloads the
# page mid-conversation and checks that it resumes, judges the six aspects and the attention check,
# reviews personas, opens the admin page with its token, and checks that no markup ever ran.
# Prints one JSON line of what it did; exits non-zero on the first failed check.
# Used by Tests/CLITests/HumanEvalServerTests.swift; by hand:
#   .venv-browser/bin/python scripts/browser_study.py --url http://127.0.0.1:PORT/ --admin URL [--screenshots docs/human-eval]
import argparse
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

MARKUP_ID = '<img src=x onerror="window.__pwned=1">Ann'
MESSAGES = [
    "Hi, I lost my job last week and I feel <b>awful</b>.",
    "I keep thinking <script>window.__pwned=1</script> that nobody will hire me.",
    "My family says I should try freelancing, but I am scared.",
]
VERDICTS = {"coherence": "left", "identification": "right", "comforting": "tie",
            "suggestion": "left", "informativeness": "right", "overall": "left"}


def check(condition, what):
    if not condition:
        print(f"browser_study: FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--driver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=args.driver), options=options)
    wait = WebDriverWait(driver, 60)

    def shot(name):
        """The whole page (the window stretched to its height for the picture)."""
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1280, max(700, min(height + 120, 2400)))
            driver.execute_script("window.scrollTo(0, 0)")
            driver.save_screenshot(os.path.join(args.screenshots, name + ".png"))
            driver.set_window_size(1280, 1000)

    def bubbles(side):
        return driver.find_elements(By.CSS_SELECTOR, f"#{side}-column .supporter")

    def pwned():
        return driver.execute_script("return window.__pwned === 1")

    try:
        driver.get(args.url)
        wait.until(seen.element_to_be_clickable((By.ID, "start-chat")))
        driver.find_element(By.ID, "participant").send_keys(MARKUP_ID)
        shot("sign-in")
        driver.find_element(By.ID, "start-chat").click()
        wait.until(seen.presence_of_element_located((By.ID, "message")))
        check(driver.find_element(By.ID, "participant-label").text == MARKUP_ID, "the participant ID is shown as typed, as text")

        for n, message in enumerate(MESSAGES, start=1):
            box = wait.until(seen.element_to_be_clickable((By.ID, "message")))
            box.send_keys(message)
            driver.find_element(By.ID, "send").click()
            wait.until(lambda d: len(bubbles("left")) == n and len(bubbles("right")) == n)
            if n == 2:
                driver.refresh()   # mid-session: the page must come back with both turns
                wait.until(lambda d: len(bubbles("left")) == 2 and len(bubbles("right")) == 2)
        seekers = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#left-column .seeker")]
        check(seekers == MESSAGES, f"the seeker's messages are shown as typed: {seekers}")
        check(not pwned(), "no markup from a message or an ID ran")
        shot("chat")

        driver.find_element(By.ID, "finish").click()
        wait.until(seen.presence_of_element_located((By.ID, "judgement")))
        for aspect, verdict in VERDICTS.items():
            driver.find_element(By.CSS_SELECTOR, f"input[name={aspect}][value={verdict}]").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=choose-tie][value=tie]").click()
        driver.find_element(By.ID, "comment").send_keys("Left felt warmer. <i>markup</i> stays text.")
        shot("judge")
        driver.find_element(By.ID, "submit-judgement").click()
        wait.until(seen.presence_of_element_located((By.ID, "done")))
        shot("done")

        reviewed = 0
        if driver.execute_script("return fetch('/api/config').then(r => r.json()).then(c => c.persona_review)"):
            driver.find_element(By.ID, "sign-out").click()
            wait.until(seen.element_to_be_clickable((By.ID, "start-persona")))
            driver.find_element(By.ID, "participant").send_keys("rater-1")
            driver.find_element(By.ID, "start-persona").click()
            while True:
                wait.until(lambda d: d.find_elements(By.ID, "rating") or d.find_elements(By.ID, "done"))
                if driver.find_elements(By.ID, "done"):
                    break
                if reviewed == 0:
                    shot("persona-review")
                status = driver.find_element(By.ID, "review-status").text
                persona = driver.find_element(By.ID, "persona").text
                label = "Contradictory" if "never worked at a school" in persona else "Reasonable"
                driver.find_element(By.CSS_SELECTOR, f"input[name=label][value={label}]").click()
                driver.find_element(By.ID, "submit-rating").click()
                # Read in one script, so a page that re-renders in between cannot leave a stale element.
                wait.until(lambda d: d.execute_script(
                    "const s = document.getElementById('review-status'); return !s || s.textContent !== arguments[0]", status))
                reviewed += 1

        driver.get(args.admin)
        wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, "table.progress")))
        check(driver.find_element(By.ID, "export").is_displayed(), "the admin page offers the export")
        shot("admin")
        check(not pwned(), "no markup ran on any page")
        print(json.dumps({"turns": len(MESSAGES), "verdicts": VERDICTS, "attention": {"choose-tie": "tie"}, "reviewed": reviewed, "pwned": False}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
