#pragma once

#include <utility>

#include "frame/assert.h"
#include "frame/types.h"

namespace asterix {

/// Base of kernel objects shared by several owners through Ref<T>.
template<typename T>
class RefCounted {
public:
    void ref() const { ++m_ref_count; }
    void unref() const
    {
        AX_ASSERT(m_ref_count > 0);
        if (--m_ref_count == 0)
            delete static_cast<const T*>(this);
    }
    u32 ref_count() const { return m_ref_count; }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable u32 m_ref_count {0};
};

/// An owning, intrusive reference to a RefCounted object. Never null once made by make_ref.
template<typename T>
class Ref {
public:
    Ref() = default;
    explicit Ref(T* object) : m_object(object)
    {
        if (m_object)
            m_object->ref();
    }
    Ref(const Ref& other) : Ref(other.m_object) {}
    Ref(Ref&& other) noexcept : m_object(std::exchange(other.m_object, nullptr)) {}
    template<typename U>
    Ref(const Ref<U>& other) : Ref(other.ptr())
    {
    }
    ~Ref()
    {
        if (m_object)
            m_object->unref();
    }
    Ref& operator=(Ref other)
    {
        std::swap(m_object, other.m_object);
        return *this;
    }

    T* operator->() const { return m_object; }
    T& operator*() const { return *m_object; }
    T* ptr() const { return m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    bool operator==(const Ref& other) const { return m_object == other.m_object; }

private:
    T* m_object {nullptr};
};

/// Allocates a RefCounted object; the one place services' shared objects are created.
template<typename T, typename... Args>
Ref<T> make_ref(Args&&... args)
{
    return Ref<T>(new T(std::forward<Args>(args)...));
}

} // namespace asterix
