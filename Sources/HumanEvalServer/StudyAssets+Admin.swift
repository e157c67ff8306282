// The admin page's script: with the token the server printed (from the address's #token=… or
// typed in), progress per model pair and aspect, the persona review, flagged participants, and the
// export of every record. Everything shown goes in through textContent.

extension StudyAssets {
    static let adminScript = #"""
        "use strict";
        const main = document.getElementById("main");
        const errorBox = document.getElementById("error");
        const form = document.getElementById("token-form");
        let token = new URLSearchParams(location.hash.slice(1)).get("token") || sessionStorage.getItem("paltrain-admin") || "";

        function el(tag, attributes, ...children) {
          const node = document.createElement(tag);
          for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
          for (const child of children.flat(Infinity)) node.append(typeof child === "string" ? document.createTextNode(child) : child);
          return node;
        }

        async function get(path) {
          const response = await fetch(path, {headers: {"Authorization": "Bearer " + token}});
          if (!response.ok) {
            const data = await response.json().catch(() => ({}));
            throw new Error(data.error || response.statusText);
          }
          return response;
        }

        const percent = (x) => x.toFixed(1) + "%";
        const pValue = (p) => p < 1e-4 ? p.toExponential(2) : p.toFixed(4);

        function pairTable(tally) {
          const [a, b] = tally.pair;
          return [
            el("h2", {}, a + " vs " + b),
            el("p", {}, tally.sessions + " sessions started, " + tally.judged + " judged, " + tally.turns + " turns (" + tally.guarded_turns + " answered by the crisis guard)"),
            el("table", {class: "progress", "data-pair": a + "-" + b},
              el("tr", {}, ["Aspect", a + " wins", "Tie", b + " wins", "p (sign test)"].map((h) => el("th", {}, h))),
              ["coherence", "identification", "comforting", "suggestion", "informativeness", "overall"].map((aspect) => {
                const c = tally.aspects[aspect] || {win: 0, tie: 0, lose: 0, win_percent: 0, tie_percent: 0, lose_percent: 0, p: 1, mark: ""};
                return el("tr", {}, el("td", {}, aspect[0].toUpperCase() + aspect.slice(1)),
                  el("td", {class: "num"}, c.win + " (" + percent(c.win_percent) + ")" + (c.win > c.lose ? c.mark : "")),
                  el("td", {class: "num"}, c.tie + " (" + percent(c.tie_percent) + ")"),
                  el("td", {class: "num"}, c.lose + " (" + percent(c.lose_percent) + ")" + (c.lose > c.win ? c.mark : "")),
                  el("td", {class: "num"}, pValue(c.p)));
              })),
          ];
        }

        function personaSection(review) {
          if (!review) return [];
          return [el("h2", {}, "Persona review"),
            el("p", {}, review.ratings + " ratings; " + review.items_rated + " of " + review.items + " personas have their " + review.raters +
              " raters; Fleiss' κ " + (review.kappa === undefined || review.kappa === null ? "n/a" : review.kappa.toFixed(3))),
            el("table", {}, el("tr", {}, el("th", {}, "Label"), el("th", {}, "share of ratings")),
              Object.entries(review.shares).map(([label, share]) => el("tr", {}, el("td", {}, label), el("td", {class: "num"}, percent(share)))))];
        }

        function flaggedSection(flagged) {
          if (!flagged.length) return [el("p", {}, "No participant has failed an attention check.")];
          return [el("h2", {}, "Flagged by attention checks (kept in the counts)"),
            el("table", {id: "flagged"}, el("tr", {}, el("th", {}, "Participant"), el("th", {}, "Failed"), el("th", {}, "Checks")),
              flagged.map((f) => el("tr", {}, el("td", {}, f.participant), el("td", {}, f.failed.join(", ")), el("td", {class: "num"}, String(f.checks)))))];
        }

        async function exportStudy() {
          try {
            const blob = await (await get("/api/admin/export")).blob();
            const link = el("a", {href: URL.createObjectURL(blob), download: "study-export.json"});
            document.body.append(link);
            link.click();
            link.remove();
          } catch (error) { errorBox.textContent = error.message; errorBox.hidden = false; }
        }

        async function load() {
          try {
            const report = await (await get("/api/admin/progress")).json();
            sessionStorage.setItem("paltrain-admin", token);
            errorBox.hidden = true;
            form.hidden = true;
            const exportButton = el("button", {id: "export", type: "button", class: "primary"}, "Export every record (JSON)");
            exportButton.onclick = exportStudy;
            main.replaceChildren(el("p", {}, "Study folder: ", el("code", {}, report.study), " ", exportButton),
              ...report.pairs.flatMap(pairTable), ...personaSection(report.persona_review), ...flaggedSection(report.flagged));
          } catch (error) {
            errorBox.textContent = error.message;
            errorBox.hidden = false;
            form.hidden = false;
          }
        }

        form.onsubmit = (event) => { event.preventDefault(); token = document.getElementById("token").value.trim(); load(); };
        if (token) load(); else form.hidden = false;
        """#
}
