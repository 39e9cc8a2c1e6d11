#include "ExportDialog.h"

#include "EventTableModel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>

namespace {
constexpr int kColumnRole = Qt::UserRole;
constexpr int kProgressSteps = 1000;

QString defaultFolder()
{
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return documents.isEmpty() ? QDir::homePath() : documents;
}

// Swaps a known export suffix for the format's one and leaves any other name alone.
QString withSuffix(const QString &path, EventExporter::Format format)
{
    if (path.isEmpty())
        return path;
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    const QString wanted = EventExporter::fileSuffix(format);
    if (suffix == wanted)
        return path;
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson"))
        return path.left(path.size() - suffix.size()) + wanted;
    if (suffix.isEmpty())
        return path + u'.' + wanted;
    return path;
}
} // namespace

ExportDialog::ExportDialog(const EventTableModel *model, QList<int> visibleColumnsInOrder, QList<qint64> selectedIds,
    BodySourceFactory bodySourceFactory, QWidget *parent)
    : QDialog(parent)
    , m_model(model)
    , m_selectedIds(std::move(selectedIds))
    , m_bodySourceFactory(std::move(bodySourceFactory))
    , m_scopeAll(new QRadioButton(this))
    , m_scopeFiltered(new QRadioButton(this))
    , m_scopeSelected(new QRadioButton(this))
    , m_format(new QComboBox(this))
    , m_columnsBox(new QGroupBox(QStringLiteral("Columns"), this))
    , m_columns(new QListWidget(this))
    , m_columnUp(new QPushButton(QStringLiteral("Move &up"), this))
    , m_columnDown(new QPushButton(QStringLiteral("Move &down"), this))
    , m_csvBox(new QGroupBox(QStringLiteral("CSV options"), this))
    , m_byteOrderMark(new QCheckBox(QStringLiteral("UTF-8 &byte-order mark (Excel needs it for non-ASCII text)"), this))
    , m_formulaProtection(
          new QCheckBox(QStringLiteral("&Protect against formulas (prefix ' to cells starting with = + - @)"), this))
    , m_path(new QLineEdit(this))
    , m_browse(new QPushButton(QStringLiteral("&Browse..."), this))
    , m_errorLabel(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(QStringLiteral("Export events"));

    auto *scopeBox = new QGroupBox(QStringLiteral("Events"), this);
    auto *scopeGroup = new QButtonGroup(this);
    auto *scopeLayout = new QVBoxLayout(scopeBox);
    for (QRadioButton *button : { m_scopeAll, m_scopeFiltered, m_scopeSelected }) {
        scopeGroup->addButton(button);
        scopeLayout->addWidget(button);
        connect(button, &QRadioButton::toggled, this, &ExportDialog::updateState);
    }

    m_format->addItem(QStringLiteral("CSV (spreadsheets)"), static_cast<int>(EventExporter::Format::Csv));
    m_format->addItem(QStringLiteral("JSON Lines (every field and the raw body, for import)"),
        static_cast<int>(EventExporter::Format::JsonLines));
    if (!m_bodySourceFactory) {
        if (auto *items = qobject_cast<QStandardItemModel *>(m_format->model()))
            items->item(1)->setEnabled(false);
        m_format->setItemData(1, QStringLiteral("The events' bodies are not available"), Qt::ToolTipRole);
    }
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);

    buildColumnList(visibleColumnsInOrder);
    // Drag to reorder; the buttons do the same from the keyboard.
    m_columns->setDragDropMode(QAbstractItemView::InternalMove);
    m_columns->setDefaultDropAction(Qt::MoveAction);
    m_columns->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_columns, &QListWidget::itemChanged, this, &ExportDialog::updateState);
    connect(m_columns, &QListWidget::currentRowChanged, this, &ExportDialog::updateState);
    connect(m_columnUp, &QPushButton::clicked, this, [this] { moveCurrentColumn(-1); });
    connect(m_columnDown, &QPushButton::clicked, this, [this] { moveCurrentColumn(1); });
    auto *columnButtons = new QVBoxLayout;
    columnButtons->addWidget(m_columnUp);
    columnButtons->addWidget(m_columnDown);
    columnButtons->addStretch();
    auto *columnsLayout = new QHBoxLayout(m_columnsBox);
    columnsLayout->addWidget(m_columns);
    columnsLayout->addLayout(columnButtons);

    m_byteOrderMark->setChecked(true);
    m_formulaProtection->setChecked(true);
    m_formulaProtection->setToolTip(
        QStringLiteral("A spreadsheet runs a cell that starts with =, +, -, @, tab or CR as a formula, so a webhook "
                       "could plant one in your report. Protected cells get a leading ' and show as text. Turn this "
                       "off only for scripts that need the exact values."));
    auto *csvLayout = new QVBoxLayout(m_csvBox);
    csvLayout->addWidget(m_byteOrderMark);
    csvLayout->addWidget(m_formulaProtection);

    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    m_path->setText(QDir(defaultFolder()).filePath(QStringLiteral("thena-events-%1.csv").arg(stamp)));
    connect(m_path, &QLineEdit::textChanged, this, &ExportDialog::updateState);
    connect(m_path, &QLineEdit::textEdited, this, [this] { m_pathConfirmed = false; });
    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_browse);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("&Format:"), m_format);
    // A row holding a layout gets no buddy by itself, and the mnemonic would show as "&".
    auto *pathLabel = new QLabel(QStringLiteral("F&ile:"), this);
    pathLabel->setBuddy(m_path);
    form->addRow(pathLabel, pathRow);

    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->hide();

    m_buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("&Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scopeBox);
    layout->addLayout(form);
    layout->addWidget(m_columnsBox, 1);
    layout->addWidget(m_csvBox);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_buttons);

    updateScopeLabels();
    // Start from what the user most likely means: a multi-row selection, else the filtered view.
    if (scopeCount(Scope::Selected) > 1)
        setScope(Scope::Selected);
    else if (isScopeAvailable(Scope::Filtered) && m_model->rowCount() < m_model->totalCount())
        setScope(Scope::Filtered);
    else if (isScopeAvailable(Scope::All))
        setScope(Scope::All);
    else
        setScope(Scope::Filtered);
    onFormatChanged();
}

ExportDialog::~ExportDialog()
{
    // runExport() owns the job and always waits for it; nothing can be running here.
    Q_ASSERT(!m_running);
}

void ExportDialog::buildColumnList(const QList<int> &visibleColumnsInOrder)
{
    QList<int> order;
    for (const int column : visibleColumnsInOrder) {
        if (column >= 0 && column < EventTableModel::ColumnCount && !order.contains(column))
            order.append(column);
    }
    const bool noneGiven = order.isEmpty();
    const qsizetype checkedCount = order.size();
    for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
        if (!order.contains(column))
            order.append(column);
    }
    for (qsizetype i = 0; i < order.size(); ++i) {
        const int column = order.at(i);
        auto *item = new QListWidgetItem(m_model->headerData(column, Qt::Horizontal).toString(), m_columns);
        item->setData(kColumnRole, column);
        item->setToolTip(EventTableModel::columnName(static_cast<Column>(column)));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable | Qt::ItemIsDragEnabled);
        item->setCheckState(noneGiven || i < checkedCount ? Qt::Checked : Qt::Unchecked);
    }
}

void ExportDialog::setAllRowsProvider(std::function<QList<EventRow>()> provider)
{
    m_allRowsProvider = std::move(provider);
    updateScopeLabels();
    updateState();
}

QRadioButton *ExportDialog::scopeButton(Scope scope) const
{
    switch (scope) {
    case Scope::All:
        return m_scopeAll;
    case Scope::Filtered:
        return m_scopeFiltered;
    case Scope::Selected:
        return m_scopeSelected;
    }
    return m_scopeAll;
}

int ExportDialog::scopeCount(Scope scope) const
{
    switch (scope) {
    case Scope::All:
        return m_model->totalCount();
    case Scope::Filtered:
        return m_model->rowCount();
    case Scope::Selected:
        return static_cast<int>(std::count_if(m_selectedIds.cbegin(), m_selectedIds.cend(),
            [this](qint64 id) { return m_model->visibleRowOfId(id) >= 0; }));
    }
    return 0;
}

bool ExportDialog::isScopeAvailable(Scope scope) const
{
    if (scopeCount(scope) == 0)
        return false;
    if (scope == Scope::All && !m_allRowsProvider)
        return m_model->rowCount() == m_model->totalCount();
    return true;
}

void ExportDialog::updateScopeLabels()
{
    m_scopeAll->setText(QStringLiteral("&All events (%1)").arg(scopeCount(Scope::All)));
    m_scopeFiltered->setText(
        QStringLiteral("&Filtered events, as the table shows them (%1)").arg(scopeCount(Scope::Filtered)));
    m_scopeSelected->setText(QStringLiteral("&Selected events (%1)").arg(scopeCount(Scope::Selected)));
    for (const Scope scope : { Scope::All, Scope::Filtered, Scope::Selected })
        scopeButton(scope)->setEnabled(isScopeAvailable(scope));
    m_scopeAll->setToolTip(isScopeAvailable(Scope::All) || scopeCount(Scope::All) == 0
            ? QString()
            : QStringLiteral("Clear the filter to export every event"));
}

ExportDialog::Scope ExportDialog::scope() const
{
    if (m_scopeSelected->isChecked())
        return Scope::Selected;
    if (m_scopeFiltered->isChecked())
        return Scope::Filtered;
    return Scope::All;
}

void ExportDialog::setScope(Scope scope)
{
    scopeButton(scope)->setChecked(true);
}

QList<EventRow> ExportDialog::rowsForScope(Scope scope) const
{
    QList<EventRow> rows;
    switch (scope) {
    case Scope::All:
        if (m_allRowsProvider)
            return m_allRowsProvider();
        if (m_model->rowCount() != m_model->totalCount())
            return rows;
        [[fallthrough]];
    case Scope::Filtered: {
        const int count = m_model->rowCount();
        rows.reserve(count);
        for (int row = 0; row < count; ++row)
            rows.append(m_model->rowAt(row));
        return rows;
    }
    case Scope::Selected: {
        // In the table's order, whatever order the selection was made in.
        QList<int> visibleRows;
        for (const qint64 id : m_selectedIds) {
            const int row = m_model->visibleRowOfId(id);
            if (row >= 0)
                visibleRows.append(row);
        }
        std::sort(visibleRows.begin(), visibleRows.end());
        visibleRows.erase(std::unique(visibleRows.begin(), visibleRows.end()), visibleRows.end());
        rows.reserve(visibleRows.size());
        for (const int row : std::as_const(visibleRows))
            rows.append(m_model->rowAt(row));
        return rows;
    }
    }
    return rows;
}

EventExporter::Format ExportDialog::format() const
{
    return static_cast<EventExporter::Format>(m_format->currentData().toInt());
}

void ExportDialog::setFormat(EventExporter::Format format)
{
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(format)));
}

QList<ExportDialog::Column> ExportDialog::columns() const
{
    QList<Column> result;
    for (int i = 0; i < m_columns->count(); ++i) {
        const QListWidgetItem *item = m_columns->item(i);
        if (item->checkState() == Qt::Checked)
            result.append(static_cast<Column>(item->data(kColumnRole).toInt()));
    }
    return result;
}

EventExporter::Options ExportDialog::options() const
{
    EventExporter::Options options;
    options.format = format();
    options.byteOrderMark = m_byteOrderMark->isChecked();
    options.formulaProtection = m_formulaProtection->isChecked();
    return options;
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

void ExportDialog::setPath(const QString &path)
{
    m_path->setText(path);
    m_pathConfirmed = false;
}

void ExportDialog::onFormatChanged()
{
    const bool csv = format() == EventExporter::Format::Csv;
    m_columnsBox->setEnabled(csv);
    m_csvBox->setEnabled(csv);
    m_columnsBox->setToolTip(csv ? QString() : QStringLiteral("JSON Lines always has every field"));
    const QString renamed = withSuffix(path(), format());
    if (renamed != path())
        m_path->setText(renamed);
    updateState();
}

void ExportDialog::moveCurrentColumn(int delta)
{
    const int from = m_columns->currentRow();
    const int to = from + delta;
    if (from < 0 || to < 0 || to >= m_columns->count())
        return;
    QListWidgetItem *item = m_columns->takeItem(from);
    m_columns->insertItem(to, item);
    m_columns->setCurrentRow(to);
}

void ExportDialog::updateState()
{
    const bool csv = format() == EventExporter::Format::Csv;
    const int current = m_columns->currentRow();
    m_columnUp->setEnabled(!m_running && current > 0);
    m_columnDown->setEnabled(!m_running && current >= 0 && current + 1 < m_columns->count());
    const bool ready = !m_running && isScopeAvailable(scope()) && !path().isEmpty() && (!csv || !columns().isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ready);
}

void ExportDialog::browse()
{
    const bool csv = format() == EventExporter::Format::Csv;
    const QString filter = csv ? QStringLiteral("CSV files (*.csv);;All files (*)")
                               : QStringLiteral("JSON Lines files (*.jsonl *.ndjson);;All files (*)");
    const QString chosen = QFileDialog::getSaveFileName(this, QStringLiteral("Export events"), path(), filter);
    if (chosen.isEmpty())
        return;
    m_path->setText(withSuffix(chosen, format()));
    m_pathConfirmed = m_path->text() == chosen;
}

void ExportDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

void ExportDialog::cancelExport()
{
    if (m_exporter)
        m_exporter->cancel();
}

void ExportDialog::accept()
{
    if (m_running)
        return;
    const QString target = path();
    if (!m_pathConfirmed && QFileInfo::exists(target)) {
        const auto answer = QMessageBox::question(this, QStringLiteral("Export events"),
            QStringLiteral("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(target)));
        if (answer != QMessageBox::Yes)
            return;
    }
    if (runExport(target))
        QDialog::accept();
}

void ExportDialog::reject()
{
    // Escape while exporting means "stop", not "close the dialog under a running job".
    if (m_running) {
        cancelExport();
        return;
    }
    QDialog::reject();
}

bool ExportDialog::runExport(const QString &path)
{
    if (m_running)
        return false;
    m_error.clear();
    showError({});
    const Scope chosenScope = scope();
    if (!isScopeAvailable(chosenScope)) {
        m_error = QStringLiteral("There are no events to export");
        showError(m_error);
        return false;
    }
    const EventExporter::Options chosenOptions = options();
    if (chosenOptions.format == EventExporter::Format::Csv && columns().isEmpty()) {
        m_error = QStringLiteral("Choose at least one column");
        showError(m_error);
        return false;
    }

    QList<EventRow> rows = rowsForScope(chosenScope);
    const qint64 total = rows.size();
    QThread thread;
    thread.setObjectName(QStringLiteral("export"));
    // No parent: it moves to the worker thread, and a parent must live in the same thread.
    auto exporter = std::make_unique<EventExporter>();
    exporter->setRows(std::move(rows));
    exporter->setColumns(columns());
    exporter->setOptions(chosenOptions);
    exporter->setBodySourceFactory(m_bodySourceFactory);
    exporter->setOutputPath(path);
    exporter->moveToThread(&thread);

    QProgressDialog progress(QStringLiteral("Exporting %1 events to %2...").arg(total).arg(QFileInfo(path).fileName()),
        QStringLiteral("Cancel"), 0, kProgressSteps, this);
    progress.setWindowTitle(QStringLiteral("Export events"));
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    progress.setAutoReset(false);
    progress.setAutoClose(false);
    progress.setValue(0);

    QEventLoop loop;
    bool ok = false;
    QString message;
    // The context of the lambdas below: destroying it drops any queued call that still refers to
    // this stack frame.
    QObject context;
    connect(&thread, &QThread::started, exporter.get(), &EventExporter::run);
    connect(exporter.get(), &EventExporter::progress, &context, [this, &progress](qint64 done, qint64 all) {
        progress.setValue(all > 0 ? static_cast<int>(done * kProgressSteps / all) : kProgressSteps);
        emit exportProgress(done, all);
    });
    connect(exporter.get(), &EventExporter::finished, &context, [&](bool success, const QString &errorOrPath) {
        ok = success;
        message = errorOrPath;
        loop.quit();
    });
    connect(&progress, &QProgressDialog::canceled, this, &ExportDialog::cancelExport);

    m_running = true;
    m_exporter = exporter.get();
    // The progress dialog is window-modal, so the form cannot change under the running job.
    updateState();
    thread.start();
    loop.exec();
    thread.quit();
    thread.wait();
    // Its thread has ended, so nothing else can be using it.
    m_exporter = nullptr;
    exporter.reset();
    m_running = false;
    progress.close();
    updateState();

    if (!ok) {
        m_error = message;
        showError(message);
    }
    emit exportFinished(ok, message);
    return ok;
}
