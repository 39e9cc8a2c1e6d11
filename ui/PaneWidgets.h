#pragma once

#include <QString>

struct CapturedEvent;
struct ThenaRequestDetails;
class QFormLayout;
class QLabel;
class QScrollArea;
class QStackedWidget;
class QVBoxLayout;
class QWidget;

// The building blocks the detail panes share, so that every tab looks alike: the same margins,
// the same bold field labels, the same muted dash for a missing value and the same empty state.
// Payload text only ever goes into plain-text labels; the one rich text made here is linkLabel's
// anchor, built from escaped text.
namespace PaneWidgets {

// Around each pane's content, so switching tabs does not make the content jump.
constexpr int ContentMargin = 12;

// What a label shows for a value the payload does not have: "—".
QString noValue();

// Greyed through the palette rather than a fixed colour, so dark themes stay readable, and
// italic so it reads as a note rather than as data. muted = false undoes it.
void setMuted(QLabel *label, bool muted = true);

// The centred, muted message a pane shows instead of its content (object name "emptyLabel").
QLabel *emptyLabel(QWidget *parent = nullptr);

// Puts emptyLabel and content as the two pages of pages, and pages alone into pane's layout.
void stackPages(QWidget *pane, QStackedWidget *pages, QLabel *emptyLabel, QWidget *content);

// A frameless, resizable scroll area for a form that may outgrow the pane.
QScrollArea *scrollArea(const QString &objectName, QWidget *parent = nullptr);

// The vertical layout of a pane's content, with the shared margins.
QVBoxLayout *contentLayout(QWidget *content);

// The message for a body that is not a JSON object; nothingToShow completes "so ...", e.g.
// "there is no overview to show". It quotes the details' own error, else the capture's.
QString invalidBodyMessage(
    const QString &nothingToShow, const ThenaRequestDetails &details, const CapturedEvent &event);

// A form whose labels sit top-left of their values and whose values take the spare width.
QFormLayout *form(int verticalSpacing = 6);

// A bold, plain-text section title (object name "sectionHeader") and a form below it,
// indented under the title, both appended to layout.
QFormLayout *addSection(QVBoxLayout *layout, const QString &title);

// A bold row label (object name "fieldLabel"); plain text, as some labels come from payloads.
QLabel *fieldLabel(const QString &text, QWidget *parent = nullptr);

// An empty plain-text value label: word-wrapped and selectable, never rich text.
QLabel *valueLabel(const QString &objectName, QWidget *parent = nullptr);

// Shows text in a value label, or a muted noValue() when text is empty.
void setValueText(QLabel *label, const QString &text);

// A value label named key + "Value" that shows text (or the muted dash), added as a form row.
QLabel *addRow(QFormLayout *form, const QString &label, const QString &key, const QString &text);

// Each section is its own form; one label width for all of them keeps the values of the whole
// content in one column.
void alignFieldLabels(QWidget *content);

// A muted, word-wrapped plain-text note.
QLabel *noteLabel(const QString &objectName, const QString &text);

// A label (object name "linkValue") holding one anchor to url, which opens in the browser. The
// url is escaped as href and as text, so it cannot leave the quotes or add markup; callers pass
// only http(s) URLs (as ThenaRequestDetails hands out), so no other scheme gets a link.
QLabel *linkLabel(const QString &url);

// Tooltips render rich text when they look like HTML; escaping and wrapping forces literal text.
QString plainToolTip(const QString &text);

} // namespace PaneWidgets
