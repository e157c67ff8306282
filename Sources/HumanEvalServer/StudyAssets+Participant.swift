// The participant page's script: sign in with an ID, then the pairwise chat (two anonymous systems
// side by side, then the six-aspect judgement) or the persona review. Every text from the server or
// the participant goes into the page through textContent, never as markup; the session id is kept
// in localStorage, so a reload resumes where it was.

extension StudyAssets {
    static let participantScript = #"""
        "use strict";
        const main = document.getElementById("main");
        const errorBox = document.getElementById("error");
        const saved = () => JSON.parse(localStorage.getItem("paltrain-study") || "null");
        const save = (value) => value ? localStorage.setItem("paltrain-study", JSON.stringify(value)) : localStorage.removeItem("paltrain-study");

        // el("p", {class: "x"}, "text", child): children that are strings become text nodes.
        function el(tag, attributes, ...children) {
          const node = document.createElement(tag);
          for (const [key, value] of Object.entries(attributes || {})) {
            if (value === false || value === null || value === undefined) continue;
            node.setAttribute(key, value === true ? "" : value);
          }
          for (const child of children.flat(Infinity)) {
            if (child !== null && child !== undefined) node.append(typeof child === "string" ? document.createTextNode(child) : child);
          }
          return node;
        }

        function showError(message) {
          errorBox.textContent = message || "";
          errorBox.hidden = !message;
        }

        async function call(method, path, body) {
          const response = await fetch(path, {method, headers: {"Content-Type": "application/json"}, body: body === undefined ? undefined : JSON.stringify(body)});
          const data = await response.json().catch(() => ({error: "the server sent an unreadable answer (" + response.status + ")"}));
          if (!response.ok) { const error = new Error(data.error || response.statusText); error.status = response.status; throw error; }
          return data;
        }

        function render(...nodes) { main.replaceChildren(...nodes); }

        function who() {
          const state = saved();
          document.getElementById("who").replaceChildren(state ? el("span", {}, "Participant: ", el("b", {id: "participant-label"}, state.label), " ",
            el("button", {id: "sign-out", type: "button"}, "Sign out")) : "");
          const out = document.getElementById("sign-out");
          if (out) out.onclick = () => { save(null); start(); };
        }

        // MARK: sign in

        async function signIn() {
          const config = await call("GET", "/api/config");
          const id = el("input", {id: "participant", autocomplete: "off", maxlength: "100", size: "30"});
          const buttons = [];
          if (config.pairwise) buttons.push(el("button", {id: "start-chat", class: "primary", type: "submit", "data-kind": "pairwise"}, "Start a conversation"));
          if (config.persona_review) buttons.push(el("button", {id: "start-persona", type: "submit", "data-kind": "persona"}, "Review personas"));
          const form = el("form", {id: "sign-in"}, el("p", {}, "Enter the participant ID you were given. Use the same ID to come back later."),
            el("label", {}, "Participant ID ", id), " ", buttons);
          form.onsubmit = async (event) => {
            event.preventDefault();
            const kind = (event.submitter || buttons[0]).dataset.kind;
            try {
              const path = kind === "pairwise" ? "/api/pairwise/sessions" : "/api/persona/sessions";
              const view = await call("POST", path, {participant: id.value});
              save({label: id.value, kind, session: view.session});
              showError("");
              show(kind, view);
            } catch (error) { showError(error.message); }
          };
          render(form);
          who();
          id.focus();
        }

        function show(kind, view) {
          who();
          if (kind === "pairwise") { view.judged ? thanks() : (view.judging ? judge(view) : chat(view)); } else { review(view); }
        }

        // MARK: pairwise chat

        function situation(view) {
          const s = view.situation;
          return el("dl", {class: "situation", id: "situation"}, el("dt", {}, "Play a help-seeker in this situation"), el("dd", {}, s.situation),
            el("dt", {}, "Emotion"), el("dd", {id: "emotion"}, s.emotion_type), el("dt", {}, "Problem"), el("dd", {id: "problem"}, s.problem_type));
        }

        function replyNodes(turn, side) {
          const r = turn[side];
          const nodes = [el("div", {class: "bubble seeker"}, turn.message),
                         el("div", {class: "bubble supporter" + (turn.guarded ? " guarded" : ""), "data-turn": String(turn.turn)}, r.reply)];
          const meta = [];
          if (turn.guarded) meta.push("fixed safety reply: the systems did not answer this message");
          if (r.strategy) meta.push("strategy: " + r.strategy);
          if (r.persona) meta.push("persona: " + (r.persona.length ? r.persona.join(" | ") : "(none yet)"));
          if (meta.length) nodes.push(el("div", {class: "meta"}, meta.join(" · ")));
          return nodes;
        }

        function chat(view) {
          const columns = ["left", "right"].map((side, i) => el("section", {class: "column", id: side + "-column"},
            el("h2", {}, "Supporter " + (i + 1) + " (" + side + ")"), view.turns.map((turn) => replyNodes(turn, side))));
          const message = el("textarea", {id: "message", maxlength: String(view.max_message_characters), placeholder: "Write to both supporters…"});
          const send = el("button", {id: "send", class: "primary", type: "submit"}, "Send to both");
          const enough = view.turns.length >= view.min_turns;
          const finish = el("button", {id: "finish", type: "button", disabled: !enough}, "Finish and judge");
          const status = el("span", {class: "status", id: "turn-status"},
            "Turn " + view.turns.length + " · judge after at least " + view.min_turns + " turns");
          const composer = el("form", {class: "composer"}, message, send);
          composer.onsubmit = async (event) => {
            event.preventDefault();
            if (!message.value.trim()) return;
            send.disabled = true; message.disabled = true; status.textContent = "Both supporters are writing…";
            try {
              const turn = await call("POST", "/api/pairwise/sessions/" + encodeURIComponent(view.session) + "/turns", {message: message.value});
              view.turns.push(turn);
              showError("");
              chat(view);
              document.getElementById("message").focus();
            } catch (error) {
              showError(error.message);
              send.disabled = false; message.disabled = false; status.textContent = "";
            }
          };
          finish.onclick = () => { view.judging = true; judge(view); };
          render(situation(view), el("div", {class: "columns"}, columns), composer, el("p", {}, finish, status));
        }

        function judge(view) {
          const rows = view.aspects.map((a) => ({...a, check: false}));
          view.checks.forEach((c, i) => rows.splice(Math.min(rows.length, 2 + 3 * i), 0, {...c, check: true}));
          const table = el("table", {class: "judge"}, el("tr", {}, el("th", {}, "Question"), ["Left", "Tie", "Right"].map((h) => el("th", {}, h))),
            rows.map((row) => el("tr", {}, el("td", {}, el("b", {}, row.title), el("br"), row.question),
              ["left", "tie", "right"].map((v) => el("td", {}, el("input", {type: "radio", name: row.id, value: v, "data-check": row.check ? "1" : "0",
                "aria-label": row.title + ": " + v, required: true}))))));
          const comment = el("textarea", {id: "comment", class: "comment", maxlength: "2000", placeholder: "Anything else you noticed (optional)"});
          const submit = el("button", {id: "submit-judgement", class: "primary", type: "submit"}, "Submit judgement");
          const back = el("button", {id: "back-to-chat", type: "button"}, "Back to the conversation");
          back.onclick = () => { view.judging = false; chat(view); };
          const form = el("form", {id: "judgement"}, el("p", {}, "Compare the two supporters you talked to. Left and right are as in the conversation."),
            table, el("p", {}, el("label", {}, "Comment", el("br"), comment)), el("p", {}, submit, " ", back));
          form.onsubmit = async (event) => {
            event.preventDefault();
            const verdicts = {}, attention = {};
            for (const input of form.querySelectorAll("input[type=radio]:checked")) (input.dataset.check === "1" ? attention : verdicts)[input.name] = input.value;
            submit.disabled = true;
            try {
              await call("POST", "/api/pairwise/sessions/" + encodeURIComponent(view.session) + "/judgement", {verdicts, attention, comment: comment.value});
              showError("");
              thanks();
            } catch (error) { showError(error.message); submit.disabled = false; }
          };
          render(situation(view), form);
        }

        function thanks() {
          const again = el("button", {id: "another", class: "primary", type: "button"}, "Start another conversation");
          again.onclick = async () => {
            const state = saved();
            try { const view = await call("POST", "/api/pairwise/sessions", {participant: state.label}); save({...state, session: view.session}); show("pairwise", view); }
            catch (error) { showError(error.message); }
          };
          render(el("div", {id: "done"}, el("h2", {}, "Thank you!"), el("p", {}, "Your judgement is recorded."), again));
        }

        // MARK: persona review

        function review(view) {
          if (!view.item) {
            render(el("div", {id: "done"}, el("h2", {}, "Thank you!"), el("p", {}, "You have judged all " + view.total + " personas of this session.")));
            return;
          }
          const item = view.item;
          const choices = view.labels.map((label) => el("label", {class: "choice"}, el("input", {type: "radio", name: "label", value: label, required: true}), " " + label));
          const reason = el("input", {id: "reason", size: "60", maxlength: "2000", placeholder: "Why? (required for Other)"});
          const submit = el("button", {id: "submit-rating", class: "primary", type: "submit"}, "Next");
          const form = el("form", {id: "rating"},
            el("p", {class: "status", id: "review-status"}, "Persona " + (view.done + 1) + " of " + view.total),
            el("h2", {}, "What the help-seeker said"), el("ol", {id: "utterances"}, item.utterances.map((u) => el("li", {}, u))),
            el("h2", {}, "Persona inferred from it"), el("ul", {id: "persona"}, item.persona.map((p) => el("li", {}, p))),
            el("p", {}, "Reasonable: follows from what they said. Contradictory: conflicts with it. Hallucinatory: not supported by it. Other: explain."),
            choices, el("p", {}, reason), submit);
          form.onsubmit = async (event) => {
            event.preventDefault();
            const chosen = form.querySelector("input[name=label]:checked");
            submit.disabled = true;
            try {
              const next = await call("POST", "/api/persona/sessions/" + encodeURIComponent(view.session) + "/ratings",
                {item: item.id, label: chosen ? chosen.value : "", reason: reason.value});
              showError("");
              review(next);
            } catch (error) { showError(error.message); submit.disabled = false; }
          };
          render(form);
        }

        // MARK: start

        async function start() {
          const state = saved();
          showError("");
          if (!state) return signIn();
          try {
            const path = state.kind === "pairwise" ? "/api/pairwise/sessions/" : "/api/persona/sessions/";
            show(state.kind, await call("GET", path + encodeURIComponent(state.session)));
          } catch (error) {
            if (error.status === 404) { save(null); return signIn(); }
            showError(error.message);
          }
        }
        start();
        """#
}
