"""A light, quiet look on top of the platform style."""

STYLE = """
#sidebar { background: #f4f5f7; border: none; border-right: 1px solid #e3e5e8; outline: 0;
           padding-top: 12px; font-size: 14px; }
#sidebar::item { padding: 8px 16px; border-radius: 6px; margin: 1px 8px; color: #343a40; }
#sidebar::item:selected { background: #e3e8ff; color: #364fc7; }
#pageTitle { font-size: 20px; font-weight: 600; }
#meetingTitle { font-size: 18px; font-weight: 600; }
#sectionTitle { font-size: 14px; font-weight: 600; color: #495057; }
#panelTitle { font-size: 14px; font-weight: 600; }
#hint { color: #868e96; }
#queue { border: none; border-left: 1px solid #e3e5e8; background: #fafbfc; }
#queue > QWidget > QWidget { background: #fafbfc; }
#jobRow { background: white; border: 1px solid #e3e5e8; border-radius: 8px; }
#jobName { font-weight: 600; }
#jobStage { color: #6c757d; }
#jobStage[error="true"] { color: #c92a2a; }
QProgressBar { border: none; background: #e9ecef; border-radius: 3px; }
QProgressBar::chunk { background: #4263eb; border-radius: 3px; }
#transcript { background: white; border: none; }
#results { background: white; border: 1px solid #e3e5e8; border-radius: 6px; }
#results::item { border-bottom: 1px solid #f1f3f5; }
#results::item:selected { background: #e7ecff; }
#minutes::item, #actions::item { padding: 3px 2px; }
#actions { background: white; border: 1px solid #e3e5e8; border-radius: 6px; }
#minutes, #answer { background: white; border: 1px solid #e3e5e8; border-radius: 6px; }
#liveText { background: #fff9db; border: none; border-top: 1px solid #e3e5e8; }
#recStatus { color: #c92a2a; padding-right: 6px; }
#clock { font-family: monospace; color: #495057; }
QTableView { border: 1px solid #e3e5e8; border-radius: 6px; selection-background-color: #dbe4ff;
             selection-color: black; alternate-background-color: #fafbfc; }
QHeaderView::section { background: white; border: none; border-bottom: 1px solid #e3e5e8;
                       padding: 6px 3px; font-weight: 600; color: #495057; }
/* 3px each side, as the cells' text: a header sits over its column's text */
#notice { background: #fff9db; border: 1px solid #ffe066; border-radius: 8px; }
#closeNotice { color: #868e96; }

/* Where the keyboard is: the styles above turn the platform's focus rectangle off,
   so a list with the focus gets a blue frame and its current row a tint. The ids
   repeat the widgets' own borders, which would otherwise win. */
QAbstractItemView:focus, #transcript:focus, #minutes:focus, #actions:focus, #results:focus,
#sidebar:focus { border: 2px solid #4c6ef5; }
QAbstractItemView::item:focus:!selected { background: #edf2ff; }
QTableView { outline: 0; }  /* rows are selected whole: no frame around one cell */
#sidebar::item:focus { border: 1px solid #4c6ef5; }
"""
