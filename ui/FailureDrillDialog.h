#pragma once

#include "FailureDrill.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QRadioButton;
class QSpinBox;

// Capture > Failure drill...: turns a drill on or off and says what it does before it starts.
// Whatever is chosen here lives as long as the program runs: the window must not save it, so a
// drill left on never greets the user after a restart (see FailureDrill).
class FailureDrillDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FailureDrillDialog)

public:
    explicit FailureDrillDialog(
        const FailureDrill::Config &current = FailureDrill::Config(), QWidget *parent = nullptr);
    ~FailureDrillDialog() override;

    // The drill as chosen; an inactive config when the drill is off.
    FailureDrill::Config config() const;
    void setConfig(const FailureDrill::Config &config);
    // FailureDrill::describe(config()), as shown in the dialog.
    QString summaryText() const;
    // False while the chosen status is no error status (the OK button is disabled then).
    bool isAcceptable() const;

private:
    void update();

    QCheckBox *m_enabled = nullptr;
    QSpinBox *m_attempts = nullptr;
    QRadioButton *m_byStatus = nullptr;
    QRadioButton *m_byDelay = nullptr;
    QComboBox *m_status = nullptr;
    QSpinBox *m_delay = nullptr;
    QComboBox *m_kind = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_scheduleNote = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};
