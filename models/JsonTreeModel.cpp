#include "JsonTreeModel.h"

#include <QStringDecoder>
#include <cstring>
#include <utility>

namespace {
// QJsonDocument's limit, so the tree accepts what the capture accepted; shallow enough that
// the recursive parser and writer cannot exhaust the stack on a hostile body.
constexpr int kMaxDepth = 1024;

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexDigitValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Length of the well-formed UTF-8 sequence starting with a non-ASCII byte at p, 0 when it is
// malformed (overlong forms, surrogates and code points above U+10FFFF included).
int utf8SequenceLength(const uchar *p, const uchar *end)
{
    const uchar lead = p[0];
    int length = 0;
    uint codePoint = 0;
    uint minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1Fu;
        minimum = 0x80;
    } else if ((lead & 0xF0u) == 0xE0u) {
        length = 3;
        codePoint = lead & 0x0Fu;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07u;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (end - p < length)
        return 0;
    for (int i = 1; i < length; ++i) {
        if ((p[i] & 0xC0u) != 0x80u)
            return 0;
        codePoint = (codePoint << 6) | (p[i] & 0x3Fu);
    }
    if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return 0;
    return length;
}

void appendQuoted(QString &out, const QString &text)
{
    out += QLatin1Char('"');
    for (const QChar ch : text) {
        const char16_t c = ch.unicode();
        switch (c) {
        case u'"':
            out += QLatin1String("\\\"");
            break;
        case u'\\':
            out += QLatin1String("\\\\");
            break;
        case u'\b':
            out += QLatin1String("\\b");
            break;
        case u'\f':
            out += QLatin1String("\\f");
            break;
        case u'\n':
            out += QLatin1String("\\n");
            break;
        case u'\r':
            out += QLatin1String("\\r");
            break;
        case u'\t':
            out += QLatin1String("\\t");
            break;
        default:
            if (c < 0x20)
                out += QLatin1String("\\u00") + QString::number(c, 16).rightJustified(2, QLatin1Char('0'));
            else
                out += ch;
        }
    }
    out += QLatin1Char('"');
}

void appendIndent(QString &out, int depth)
{
    out += QString(depth * 2, QLatin1Char(' '));
}
} // namespace

// A strict recursive-descent reader that appends one node per value, in source order. Like
// QJsonDocument, which the capture side uses, it lets raw control characters through in
// strings, so the tree never refuses a body that the table calls valid.
class JsonTreeModel::Parser
{
public:
    Parser(const QByteArray &json, std::vector<Node> &nodes)
        : m_begin(json.constData())
        , m_p(json.constData())
        , m_end(json.constData() + json.size())
        , m_nodes(nodes)
    { }

    bool parseDocument()
    {
        m_nodes.emplace_back(); // the invisible root
        if (m_end - m_p >= 3 && std::memcmp(m_p, "\xef\xbb\xbf", 3) == 0)
            m_p += 3; // a UTF-8 byte order mark, which QJsonDocument skips too
        skipWhitespace();
        if (m_p == m_end)
            return fail("the document is empty");
        if (!parseValue(0, {}))
            return false;
        skipWhitespace();
        if (m_p != m_end)
            return fail("unexpected data after the end of the document");
        return true;
    }

    QString error;
    qint64 errorOffset = -1;

private:
    bool fail(const char *message)
    {
        error = QString::fromLatin1(message);
        errorOffset = m_p - m_begin;
        return false;
    }

    void skipWhitespace()
    {
        while (m_p != m_end && isWhitespace(*m_p))
            ++m_p;
    }

    bool consume(char c)
    {
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }

    int addNode(int parent, QString key, ValueType type)
    {
        const int index = int(m_nodes.size());
        Node node;
        node.key = std::move(key);
        node.type = type;
        node.parent = parent;
        node.row = int(m_nodes[size_t(parent)].children.size());
        m_nodes.push_back(std::move(node));
        m_nodes[size_t(parent)].children.push_back(index);
        return index;
    }

    bool parseValue(int parent, QString key)
    {
        if (m_p == m_end)
            return fail("expected a value");
        switch (*m_p) {
        case '{':
            return parseContainer(parent, std::move(key), ValueType::Object);
        case '[':
            return parseContainer(parent, std::move(key), ValueType::Array);
        case '"': {
            QString text;
            if (!parseString(text))
                return false;
            m_nodes[size_t(addNode(parent, std::move(key), ValueType::String))].value = std::move(text);
            return true;
        }
        case 't':
            return parseLiteral(parent, std::move(key), "true", ValueType::Boolean);
        case 'f':
            return parseLiteral(parent, std::move(key), "false", ValueType::Boolean);
        case 'n':
            return parseLiteral(parent, std::move(key), "null", ValueType::Null);
        default:
            if (*m_p == '-' || *m_p == '.' || isDigit(*m_p))
                return parseNumber(parent, std::move(key));
            return fail("expected a value");
        }
    }

    bool parseContainer(int parent, QString key, ValueType type)
    {
        if (++m_depth > kMaxDepth)
            return fail("the document is nested too deeply");
        const bool isObject = type == ValueType::Object;
        const char close = isObject ? '}' : ']';
        const int node = addNode(parent, std::move(key), type);
        ++m_p; // the opening bracket
        skipWhitespace();
        if (!consume(close)) {
            for (;;) {
                QString name;
                if (isObject) {
                    if (m_p == m_end || *m_p != '"')
                        return fail("expected a member name in double quotes");
                    if (!parseString(name))
                        return false;
                    skipWhitespace();
                    if (!consume(':'))
                        return fail("expected ':' after a member name");
                    skipWhitespace();
                }
                if (!parseValue(node, std::move(name)))
                    return false;
                skipWhitespace();
                if (consume(close))
                    break;
                if (!consume(','))
                    return fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'");
                skipWhitespace();
            }
        }
        --m_depth;
        return true;
    }

    bool parseString(QString &out)
    {
        ++m_p; // the opening quote
        const char *run = m_p;
        const auto flushRun = [&] {
            // Not QString::fromUtf8: it drops a U+FEFF at the start of the run, and a string may
            // legitimately begin with one (or hold one right after an escape).
            if (m_p != run) {
                QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
                out += decoder.decode(QByteArrayView(run, m_p - run));
            }
        };
        for (;;) {
            if (m_p == m_end)
                return fail("unterminated string");
            const auto c = uchar(*m_p);
            if (c == '"') {
                flushRun();
                ++m_p;
                return true;
            }
            if (c == '\\') {
                flushRun();
                if (!parseEscape(out))
                    return false;
                run = m_p;
                continue;
            }
            if (c >= 0x80) {
                const int length
                    = utf8SequenceLength(reinterpret_cast<const uchar *>(m_p), reinterpret_cast<const uchar *>(m_end));
                if (length == 0)
                    return fail("invalid UTF-8 in a string");
                m_p += length;
                continue;
            }
            ++m_p;
        }
    }

    bool parseEscape(QString &out)
    {
        ++m_p; // the backslash
        if (m_p == m_end)
            return fail("unterminated string");
        const char c = *m_p;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            out += QLatin1Char(c);
            break;
        case 'b':
            out += QLatin1Char('\b');
            break;
        case 'f':
            out += QLatin1Char('\f');
            break;
        case 'n':
            out += QLatin1Char('\n');
            break;
        case 'r':
            out += QLatin1Char('\r');
            break;
        case 't':
            out += QLatin1Char('\t');
            break;
        case 'u': {
            if (m_end - m_p < 5)
                return fail("invalid \\u escape");
            uint unit = 0;
            for (int i = 1; i <= 4; ++i) {
                const int digit = hexDigitValue(m_p[i]);
                if (digit < 0)
                    return fail("invalid \\u escape");
                unit = (unit << 4) | uint(digit);
            }
            // Surrogate pairs arrive as two escapes and join up as UTF-16 code units.
            out += QChar(char16_t(unit));
            m_p += 4;
            break;
        }
        default:
            return fail("invalid escape sequence");
        }
        ++m_p;
        return true;
    }

    bool parseNumber(int parent, QString key)
    {
        const char *start = m_p;
        consume('-');
        // QJsonDocument takes ".5" for 0.5, so this does too.
        const bool fractionOnly = m_p != m_end && *m_p == '.';
        if (!fractionOnly) {
            if (m_p == m_end || !isDigit(*m_p))
                return fail("invalid number");
            if (!consume('0')) {
                while (m_p != m_end && isDigit(*m_p))
                    ++m_p;
            }
        }
        if (consume('.')) {
            if (m_p == m_end || !isDigit(*m_p))
                return fail("invalid number: expected a digit after '.'");
            while (m_p != m_end && isDigit(*m_p))
                ++m_p;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (!consume('+'))
                consume('-');
            if (m_p == m_end || !isDigit(*m_p))
                return fail("invalid number: expected a digit in the exponent");
            while (m_p != m_end && isDigit(*m_p))
                ++m_p;
        }
        m_nodes[size_t(addNode(parent, std::move(key), ValueType::Number))].value
            = QString::fromLatin1(start, m_p - start);
        return true;
    }

    bool parseLiteral(int parent, QString key, const char *word, ValueType type)
    {
        const auto length = std::ptrdiff_t(std::strlen(word));
        if (m_end - m_p < length || std::memcmp(m_p, word, size_t(length)) != 0)
            return fail("expected a value");
        m_p += length;
        m_nodes[size_t(addNode(parent, std::move(key), type))].value = QString::fromLatin1(word);
        return true;
    }

    const char *m_begin;
    const char *m_p;
    const char *m_end;
    std::vector<Node> &m_nodes;
    int m_depth = 0;
};

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

JsonTreeModel::~JsonTreeModel() = default;

bool JsonTreeModel::setJson(const QByteArray &json)
{
    // Parse before the reset so views never see a half-built tree.
    std::vector<Node> nodes;
    Parser parser(json, nodes);
    const bool ok = parser.parseDocument();

    beginResetModel();
    if (ok) {
        m_nodes = std::move(nodes);
        const ValueType documentType = m_nodes[1].type;
        m_top = (documentType == ValueType::Object || documentType == ValueType::Array) ? 1 : 0;
        m_error.clear();
        m_errorOffset = -1;
    } else {
        m_nodes.clear();
        m_top = 0;
        m_error = parser.error;
        m_errorOffset = parser.errorOffset;
    }
    endResetModel();
    return ok;
}

void JsonTreeModel::clear()
{
    beginResetModel();
    m_nodes.clear();
    m_top = 0;
    m_error.clear();
    m_errorOffset = -1;
    endResetModel();
}

QString JsonTreeModel::toIndentedJson() const
{
    if (m_nodes.empty())
        return {};
    QString out;
    writeIndented(1, 0, out);
    out += QLatin1Char('\n');
    return out;
}

QString JsonTreeModel::typeName(ValueType type)
{
    switch (type) {
    case ValueType::Object:
        return QStringLiteral("object");
    case ValueType::Array:
        return QStringLiteral("array");
    case ValueType::String:
        return QStringLiteral("string");
    case ValueType::Number:
        return QStringLiteral("number");
    case ValueType::Boolean:
        return QStringLiteral("boolean");
    case ValueType::Null:
        return QStringLiteral("null");
    }
    return {};
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const int parentNode = parentNodeOf(parent);
    if (parentNode < 0)
        return {};
    const std::vector<int> &children = m_nodes[size_t(parentNode)].children;
    if (row >= int(children.size()))
        return {};
    return createIndex(row, column, quintptr(children[size_t(row)]));
}

QModelIndex JsonTreeModel::parent(const QModelIndex &child) const
{
    const int node = nodeIndex(child);
    if (node < 0)
        return {};
    const int parentNode = m_nodes[size_t(node)].parent;
    if (parentNode <= 0 || parentNode == m_top)
        return {};
    return createIndex(m_nodes[size_t(parentNode)].row, 0, quintptr(parentNode));
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    // Only the first column has children, as views expect of a tree.
    if (parent.isValid() && parent.column() != KeyColumn)
        return 0;
    const int parentNode = parentNodeOf(parent);
    return parentNode < 0 ? 0 : int(m_nodes[size_t(parentNode)].children.size());
}

int JsonTreeModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    const int node = nodeIndex(index);
    if (node < 0)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return keyText(node);
        case ValueColumn:
            return displayValue(node);
        case TypeColumn:
            return typeName(m_nodes[size_t(node)].type);
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case KeyColumn:
            return keyText(node);
        case ValueColumn: {
            const Node &n = m_nodes[size_t(node)];
            return (n.type == ValueType::Object || n.type == ValueType::Array) ? summary(node) : n.value;
        }
        case TypeColumn:
            return typeName(m_nodes[size_t(node)].type);
        }
        return {};
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return QStringLiteral("Key");
    case ValueColumn:
        return QStringLiteral("Value");
    case TypeColumn:
        return QStringLiteral("Type");
    }
    return {};
}

int JsonTreeModel::nodeIndex(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return -1;
    const auto node = index.internalId();
    return (node > 0 && node < m_nodes.size()) ? int(node) : -1;
}

int JsonTreeModel::parentNodeOf(const QModelIndex &parent) const
{
    if (m_nodes.empty())
        return -1;
    if (!parent.isValid())
        return m_top;
    if (parent.column() != KeyColumn)
        return -1;
    return nodeIndex(parent);
}

QString JsonTreeModel::keyText(int node) const
{
    const Node &n = m_nodes[size_t(node)];
    if (n.parent >= 0 && m_nodes[size_t(n.parent)].type == ValueType::Array && n.parent != 0)
        return QLatin1Char('[') + QString::number(n.row) + QLatin1Char(']');
    return n.key;
}

QString JsonTreeModel::summary(int node) const
{
    const Node &n = m_nodes[size_t(node)];
    const auto count = qsizetype(n.children.size());
    if (n.type == ValueType::Object)
        return QLatin1Char('{') + QString::number(count)
            + (count == 1 ? QLatin1String(" key}") : QLatin1String(" keys}"));
    return QLatin1Char('[') + QString::number(count)
        + (count == 1 ? QLatin1String(" item]") : QLatin1String(" items]"));
}

QString JsonTreeModel::displayValue(int node) const
{
    const Node &n = m_nodes[size_t(node)];
    switch (n.type) {
    case ValueType::Object:
    case ValueType::Array:
        return summary(node);
    case ValueType::String: {
        // One line per row in a tree view: line breaks would be cut or drawn as boxes.
        QString text = n.value;
        if (text.size() > DisplayLimit) {
            text.truncate(DisplayLimit);
            text += QChar(0x2026); // ellipsis
        }
        for (QChar &ch : text) {
            if (ch == QLatin1Char('\n') || ch == QLatin1Char('\r') || ch == QLatin1Char('\t'))
                ch = QLatin1Char(' ');
        }
        return text;
    }
    case ValueType::Number:
    case ValueType::Boolean:
    case ValueType::Null:
        return n.value;
    }
    return {};
}

void JsonTreeModel::writeIndented(int node, int depth, QString &out) const
{
    const Node &n = m_nodes[size_t(node)];
    switch (n.type) {
    case ValueType::Object:
    case ValueType::Array: {
        const bool isObject = n.type == ValueType::Object;
        if (n.children.empty()) {
            out += isObject ? QLatin1String("{}") : QLatin1String("[]");
            return;
        }
        out += QLatin1Char(isObject ? '{' : '[');
        out += QLatin1Char('\n');
        for (size_t i = 0; i < n.children.size(); ++i) {
            const int child = n.children[i];
            appendIndent(out, depth + 1);
            if (isObject) {
                appendQuoted(out, m_nodes[size_t(child)].key);
                out += QLatin1String(": ");
            }
            writeIndented(child, depth + 1, out);
            if (i + 1 < n.children.size())
                out += QLatin1Char(',');
            out += QLatin1Char('\n');
        }
        appendIndent(out, depth);
        out += QLatin1Char(isObject ? '}' : ']');
        return;
    }
    case ValueType::String:
        appendQuoted(out, n.value);
        return;
    case ValueType::Number:
        // Copied JSON must be strict JSON even when the body used QJsonDocument's ".5".
        if (n.value.startsWith(QLatin1Char('.')))
            out += QLatin1Char('0') + n.value;
        else if (n.value.startsWith(QLatin1String("-.")))
            out += QLatin1String("-0") + QStringView(n.value).mid(1);
        else
            out += n.value;
        return;
    case ValueType::Boolean:
    case ValueType::Null:
        out += n.value;
        return;
    }
}
