/// The report page's one stylesheet, inline so the file stands alone: light on screen and on
/// paper alike (nothing but white behind text when printed), sections starting on a new page,
/// tables and pictures kept whole where they fit on one.
enum ScanHTMLStyle {
    static let css = """
    :root { --ink: #1f2933; --muted: #5f6b7a; --rule: #d5dbe3; --accent: #1d3557; --paper: #ffffff; --band: #f4f6f9;
      --crit-bg: #fde2e1; --crit: #8a1c1c; --high-bg: #ffedd5; --high: #9a3412; --med-bg: #fef3c7; --med: #7c5e10;
      --low-bg: #dbeafe; --low: #1e40af; --info-bg: #eef0f3; --info: #374151; --ok: #166534; --ok-bg: #dcfce7; }
    * { box-sizing: border-box; }
    html { background: var(--paper); }
    body { margin: 0 auto; max-width: 1180px; padding: 28px 36px 48px; color: var(--ink); background: var(--paper);
      font: 14px/1.45 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
    header.report { border-top: 6px solid var(--accent); padding-top: 18px; margin-bottom: 8px; }
    header.report .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted); margin: 0; }
    h1 { font-size: 26px; margin: 2px 0 10px; color: var(--accent); }
    h2 { font-size: 19px; margin: 0 0 10px; color: var(--accent); border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
    h3 { font-size: 15px; margin: 18px 0 6px; }
    section { margin-top: 34px; }
    p { margin: 6px 0; }
    .muted { color: var(--muted); }
    code, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 10px 0 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; }
    .cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin: 20px 0 4px; }
    .card { border: 1px solid var(--rule); border-left: 5px solid var(--accent); padding: 10px 12px; background: var(--band); }
    .card .n { font-size: 26px; font-weight: 700; line-height: 1.1; display: block; }
    .card .l { font-size: 12px; color: var(--muted); }
    .card.bad { border-left-color: var(--crit); } .card.bad .n { color: var(--crit); }
    .card.warn { border-left-color: var(--high); } .card.warn .n { color: var(--high); }
    table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
    th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); }
    th { background: var(--band); font-weight: 600; font-size: 12px; color: var(--ink); border-bottom: 2px solid var(--rule); }
    thead { display: table-header-group; }
    tr { break-inside: avoid; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    .sev { display: inline-block; min-width: 64px; text-align: center; font-size: 11px; font-weight: 700; text-transform: uppercase;
      letter-spacing: .04em; padding: 2px 6px; border-radius: 3px; border: 1px solid currentColor; }
    .sev-critical { color: var(--crit); background: var(--crit-bg); } .sev-high { color: var(--high); background: var(--high-bg); }
    .sev-medium { color: var(--med); background: var(--med-bg); } .sev-low { color: var(--low); background: var(--low-bg); }
    .sev-info { color: var(--info); background: var(--info-bg); }
    .status { font-weight: 600; white-space: nowrap; }
    td.status-overdue { color: var(--crit); } td.status-ungoverned { color: var(--high); } td.status-incomplete { color: var(--med); }
    td.status-ok { color: var(--ok); }
    td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
    table.register th, table.register td:last-child { white-space: nowrap; }
    .fix { color: var(--muted); font-size: 12px; margin-top: 3px; }
    .where { color: var(--muted); font-size: 11.5px; word-break: break-all; }
    figure { margin: 10px 0 4px; }
    figure svg { max-width: 100%; height: auto; display: block; }
    figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
    .chain { break-inside: avoid; margin-top: 16px; }
    .chain h3 { margin-bottom: 2px; }
    .legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; color: var(--muted); margin: 6px 0; }
    .legend span { display: inline-flex; align-items: center; gap: 5px; }
    .swatch { display: inline-block; width: 14px; height: 12px; border: 1px solid; }
    table.matrix td { text-align: center; padding: 2px 4px; } table.matrix td.subject { text-align: left; }
    table.matrix svg { vertical-align: middle; }
    .note { border-left: 4px solid var(--high); background: var(--high-bg); padding: 6px 10px; margin: 8px 0; font-size: 13px; }
    ul.notes { margin: 6px 0; padding-left: 20px; font-size: 13px; }
    h4 { font-size: 14px; margin: 16px 0 2px; }
    ul.signals { margin: 0; padding-left: 16px; }
    td.seen-sensitive { color: var(--crit); font-weight: 600; }
    .escalation { margin-top: 10px; }
    p.unreachable { color: var(--muted); font-size: 13px; }
    table.signoff td { height: 34px; }
    footer { margin-top: 40px; border-top: 1px solid var(--rule); padding-top: 8px; font-size: 12px; color: var(--muted); }
    @page { size: A4; margin: 14mm 12mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 11px; }
      html, body, .card, th, .note { background: #ffffff !important; }
      header.report { border-top-width: 3px; }
      section { break-before: page; margin-top: 0; }
      section.summary, section#matrix { break-before: auto; }
      section#matrix { margin-top: 8mm; }
      h2, h3, h4, .escalation > p.muted { break-after: avoid; }
      .cards { grid-template-columns: repeat(5, 1fr); }
      figure, .chain { break-inside: avoid; }
      /* The exec marks stay red, as outlines: no dark fill on paper. */
      svg .exec-badge { fill: #fde2e1; stroke: #8a1c1c; } svg text.exec { fill: #8a1c1c; }
      * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
    }
    """
}
