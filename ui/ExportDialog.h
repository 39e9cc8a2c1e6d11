#pragma once

#include "EventBodySource.h"
#include "EventExporter.h"
#include "EventRow.h"

#include <QDialog>
#include <QList>
#include <functional>
#include <memory>

class EventTableModel;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressDialog;
class QPushButton;
class QRadioButton;

// File > Export...: which events (all, the filtered rows, the selected rows), which columns in
// which order (the table's visible columns by default), CSV or JSON Lines, CSV options, and the
// file. The export runs in an EventExporter on a worker thread behind a progress dialog that can
// cancel, so the window keeps repainting and capturing. The rows are copied out of the model on
// the GUI thread when the export starts; the worker never touches the model.
class ExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportDialog)

public:
    using Column = EventExporter::Column;
    using BodySourceFactory = EventExporter::BodySourceFactory;

    enum class Scope
    {
        All,
        Filtered,
        Selected
    };

    // visibleColumnsInOrder: logical column indexes in visual order (hidden ones left out).
    // bodySourceFactory: called in the export thread for JSON Lines; without one, JSON Lines is
    // not offered.
    ExportDialog(const EventTableModel *model, QList<int> visibleColumnsInOrder, QList<qint64> selectedIds,
        BodySourceFactory bodySourceFactory, QWidget *parent = nullptr);
    ~ExportDialog() override;

    // The model exposes only its visible rows. Give the dialog every row (in arrival order) so
    // "All" can differ from "Filtered"; without it "All" is offered only while nothing is filtered out.
    void setAllRowsProvider(std::function<QList<EventRow>()> provider);

    Scope scope() const;
    void setScope(Scope scope);
    bool isScopeAvailable(Scope scope) const;
    int scopeCount(Scope scope) const;
    // The rows a scope exports, in the table's order.
    QList<EventRow> rowsForScope(Scope scope) const;

    EventExporter::Format format() const;
    void setFormat(EventExporter::Format format);
    // The checked columns, in the list's order.
    QList<Column> columns() const;
    EventExporter::Options options() const;
    QString path() const;
    void setPath(const QString &path);

    // Exports the current choice to `path` and waits (the event loop keeps running) until it is
    // written, failed or cancelled. No file dialogs or message boxes, so tests can call it.
    bool runExport(const QString &path);
    bool isRunning() const { return m_running; }
    // The last failure ("Export cancelled" after a cancel), empty after success.
    QString errorString() const { return m_error; }

    QRadioButton *scopeButton(Scope scope) const;
    QComboBox *formatCombo() const { return m_format; }
    QListWidget *columnList() const { return m_columns; }
    QCheckBox *byteOrderMarkCheck() const { return m_byteOrderMark; }
    QCheckBox *formulaProtectionCheck() const { return m_formulaProtection; }
    QLineEdit *pathEdit() const { return m_path; }
    QLabel *errorLabel() const { return m_errorLabel; }

public slots:
    void cancelExport();
    void accept() override;
    void reject() override;

signals:
    void exportProgress(qint64 done, qint64 total);
    void exportFinished(bool ok, const QString &errorOrPath);

private:
    void buildColumnList(const QList<int> &visibleColumnsInOrder);
    void updateScopeLabels();
    void updateState();
    void onFormatChanged();
    void moveCurrentColumn(int delta);
    void browse();
    void showError(const QString &message);

    const EventTableModel *m_model;
    QList<qint64> m_selectedIds;
    BodySourceFactory m_bodySourceFactory;
    std::function<QList<EventRow>()> m_allRowsProvider;

    QRadioButton *m_scopeAll;
    QRadioButton *m_scopeFiltered;
    QRadioButton *m_scopeSelected;
    QComboBox *m_format;
    QGroupBox *m_columnsBox;
    QListWidget *m_columns;
    QPushButton *m_columnUp;
    QPushButton *m_columnDown;
    QGroupBox *m_csvBox;
    QCheckBox *m_byteOrderMark;
    QCheckBox *m_formulaProtection;
    QLineEdit *m_path;
    QPushButton *m_browse;
    QLabel *m_errorLabel;
    QDialogButtonBox *m_buttons;

    EventExporter *m_exporter = nullptr; // only while running; lives in the worker thread
    QProgressDialog *m_progress = nullptr;
    bool m_running = false;
    bool m_pathConfirmed = false; // chosen in the file dialog, which already asked about overwriting
    QString m_error;
};
