#pragma once

#include "AlertRules.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

// Edits the alert rules: a list (the check box enables a rule) beside the selected rule's
// conditions. Edits apply to the dialog's copy at once; OK stays disabled, with the reason shown,
// while a rule's filter query has a mistake, since such a rule would never fire.
class AlertRulesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertRulesDialog)

public:
    explicit AlertRulesDialog(QWidget *parent = nullptr);
    ~AlertRulesDialog() override;

    void setRules(const AlertRules &rules);
    AlertRules rules() const;

    // The row being edited, -1 when the list is empty.
    int currentRule() const;
    void setCurrentRule(int row);
    // The reason OK is disabled; empty when it is enabled.
    QString problem() const;

private:
    void addRule();
    void removeRule();
    void restoreDefaults();
    void onCurrentRowChanged(int row);
    void onItemChanged(QListWidgetItem *item);
    void loadEditors();
    void storeEditors();
    void refreshItem(int row);
    void updateValidation();

    QList<AlertRule> m_rules;
    QListWidget *m_list;
    QPushButton *m_addButton;
    QPushButton *m_removeButton;
    QPushButton *m_restoreButton;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QComboBox *m_urgency;
    QComboBox *m_sentiment;
    QLineEdit *m_requestIds;
    QLineEdit *m_query;
    QLabel *m_summary;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    QWidget *m_editor;
    bool m_loading = false; // editors are being filled from a rule, not edited by the user
};
