extension SchoolRegistered {
    /// Days after a lesson its teacher may still correct it; 0 in the payload
    /// stands for the default.
    public var effectiveEditWindowDays: Int {
        editWindowDays > 0 ? Int(editWindowDays) : 7
    }
}
