#pragma once

#include <QAbstractItemModel>
#include <QByteArray>
#include <QString>
#include <vector>

// A read-only tree of one JSON document, for the Raw pane. It reads the document with its own
// small strict parser rather than QJsonDocument, so that object members keep the order they
// were sent in (QJsonObject sorts them), numbers keep their exact source text (no rounding of
// 64-bit ids through double), duplicate keys stay visible and a scalar at the top level is
// accepted. The top-level rows are the members of the top-level object or array; a scalar
// document shows as one row with an empty key.
class JsonTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonTreeModel)

public:
    enum Column
    {
        KeyColumn,
        ValueColumn,
        TypeColumn,
        ColumnCount
    };

    enum class ValueType : quint8
    {
        Object,
        Array,
        String,
        Number,
        Boolean,
        Null,
    };

    // Strings longer than this are cut in DisplayRole; ToolTipRole always has the full text.
    static constexpr int DisplayLimit = 200;

    explicit JsonTreeModel(QObject *parent = nullptr);
    ~JsonTreeModel() override;

    // Replaces the document. Returns false and leaves the model empty when json is not valid
    // JSON (RFC 8259 in UTF-8, except that raw control characters in strings pass, as they do
    // in QJsonDocument); errorString() and errorOffset() then say why and where.
    bool setJson(const QByteArray &json);
    void clear();

    bool isEmpty() const { return m_nodes.empty(); }
    QString errorString() const { return m_error; }
    qint64 errorOffset() const { return m_errorOffset; } // byte offset, -1 without an error

    // The document indented by two spaces, in source order; empty when the model is empty.
    QString toIndentedJson() const;

    static QString typeName(ValueType type);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        QString key; // member name; unused for array elements, whose key is their row
        QString value; // decoded string, number source text, "true"/"false"/"null"
        std::vector<int> children;
        int parent = -1;
        int row = 0;
        ValueType type = ValueType::Null;
    };
    class Parser;

    int nodeIndex(const QModelIndex &index) const;
    int parentNodeOf(const QModelIndex &parent) const;
    QString keyText(int node) const;
    QString summary(int node) const;
    QString displayValue(int node) const;
    void writeIndented(int node, int depth, QString &out) const;

    // m_nodes[0] is an invisible root; m_top is the node whose children are the top-level rows:
    // the document's container (node 1), or the invisible root when the document is a scalar.
    std::vector<Node> m_nodes;
    int m_top = 0;
    QString m_error;
    qint64 m_errorOffset = -1;
};
