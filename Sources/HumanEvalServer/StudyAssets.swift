// StudyAssets: every file the study's pages load, embedded in the binary (nothing from a CDN): the
// participant page and its script, the admin page and its script, one style sheet, the icon.

enum StudyAssets {
    struct Asset: Sendable {
        var path: String
        var contentType: String
        var text: String
    }

    static let all = [
        Asset(path: "/", contentType: "text/html; charset=utf-8", text: participantPage),
        Asset(path: "/app.js", contentType: "text/javascript; charset=utf-8", text: participantScript),
        Asset(path: "/admin", contentType: "text/html; charset=utf-8", text: adminPage),
        Asset(path: "/admin.js", contentType: "text/javascript; charset=utf-8", text: adminScript),
        Asset(path: "/app.css", contentType: "text/css; charset=utf-8", text: style),
        Asset(path: "/favicon.ico", contentType: "image/svg+xml",
              text: ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#2b5fad"/></svg>"##),
    ]

    /// A page: the shared head, `body`, then `script`.
    static func page(title: String, body: String, script: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <link rel="stylesheet" href="/app.css">
        </head>
        <body>
        \(body)
        <script src="\(script)"></script>
        </body>
        </html>

        """
    }

    static let participantPage = page(title: "Emotional support study", body: """
        <header><h1>Emotional support study</h1><span id="who"></span></header>
        <p class="notice">You will talk to research programs, not people and not counsellors. If you are struggling or in danger,
        please contact someone you trust, a doctor, or your local emergency number.</p>
        <div id="error" role="alert" hidden></div>
        <main id="main"><p>Loading…</p></main>
        """, script: "/app.js")

    static let adminPage = page(title: "Study admin", body: """
        <header><h1>Study admin</h1></header>
        <div id="error" role="alert" hidden></div>
        <form id="token-form" hidden><label>Admin token <input id="token" type="password" autocomplete="off" size="40"></label>
        <button type="submit">Open</button></form>
        <main id="main"></main>
        """, script: "/admin.js")

    static let style = #"""
        * { box-sizing: border-box; }
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 40px; color: #1e1e1e; background: #fafafa; }
        header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 1px solid #ddd; }
        h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.4em; }
        .notice { font-size: .9em; color: #555; }
        #error { background: #fde8e8; border: 1px solid #d33; color: #900; padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
        .situation { background: #eef3fb; border: 1px solid #c8d6ee; padding: 10px 14px; border-radius: 6px; }
        .situation dt { font-weight: 600; } .situation dd { margin: 0 0 6px 0; }
        .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 12px; }
        .column { background: white; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-height: 180px; }
        .column h2 { margin: 4px 0 8px; }
        .bubble { margin: 6px 0; padding: 6px 10px; border-radius: 10px; max-width: 92%; white-space: pre-wrap; overflow-wrap: anywhere; }
        .seeker { background: #dcf1dc; margin-left: auto; }
        .supporter { background: #f0f0f0; }
        .guarded { background: #fff4d6; border: 1px solid #e0b94f; }
        .meta { font-size: .8em; color: #666; margin: -2px 0 6px 4px; }
        .composer { display: flex; gap: 8px; margin-top: 12px; }
        .composer textarea { flex: 1; min-height: 3em; font: inherit; padding: 6px; }
        button { font: inherit; padding: 6px 14px; border-radius: 4px; border: 1px solid #888; background: #fff; cursor: pointer; }
        button.primary { background: #2b5fad; color: white; border-color: #2b5fad; }
        button:disabled { opacity: .5; cursor: default; }
        table { border-collapse: collapse; margin: 8px 0; background: white; }
        th, td { border: 1px solid #ddd; padding: 5px 9px; text-align: left; vertical-align: top; }
        td.num { text-align: right; }
        .judge td:first-child { max-width: 520px; }
        textarea.comment { width: 100%; min-height: 4em; font: inherit; }
        .status { color: #555; font-size: .9em; margin-left: 8px; }
        ul.plain { padding-left: 18px; }
        label.choice { display: block; margin: 4px 0; }
        """#
}
