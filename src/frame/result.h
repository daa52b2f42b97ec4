#pragma once

#include <optional>
#include <utility>

#include "frame/assert.h"
#include "frame/errno.h"

namespace asterix {

/// A value or a Linux errno. Fallible kernel functions return it; TRY() propagates the error.
template<typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Errno error) : m_error(error) {}

    bool is_error() const { return !m_value.has_value(); }
    Errno error() const { return m_error; }
    T& value()
    {
        AX_ASSERT(m_value.has_value());
        return *m_value;
    }
    const T& value() const
    {
        AX_ASSERT(m_value.has_value());
        return *m_value;
    }
    T release_value()
    {
        AX_ASSERT(m_value.has_value());
        return std::move(*m_value);
    }

private:
    std::optional<T> m_value;
    Errno m_error {Errno::eio};
};

template<>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Errno error) : m_error(error), m_is_error(true) {}

    bool is_error() const { return m_is_error; }
    Errno error() const { return m_error; }
    void release_value() {}

private:
    Errno m_error {Errno::eio};
    bool m_is_error {false};
};

} // namespace asterix

/// Evaluates a Result; returns its error from the enclosing function, or yields its value.
#define TRY(expr)                                                                                  \
    ({                                                                                             \
        auto _ax_result = (expr);                                                                  \
        if (_ax_result.is_error())                                                                 \
            return _ax_result.error();                                                             \
        _ax_result.release_value();                                                                \
    })

/// Like TRY, for what can only fail through a kernel bug: panics on error.
#define MUST(expr)                                                                                 \
    ({                                                                                             \
        auto _ax_result = (expr);                                                                  \
        if (_ax_result.is_error())                                                                 \
            ::asterix::frame::panic("MUST failed: %s at %s:%d", #expr, __FILE__, __LINE__);        \
        _ax_result.release_value();                                                                \
    })
