namespace AskVideo.Web.Library;

/// <summary>One file on its way from the browser to the Api.</summary>
public sealed class UploadItem(int id, string name, long size)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public long Size { get; } = size;
    public long Sent { get; set; }
    public bool Done { get; set; }
    public string? Error { get; set; }

    public int Percent => Size <= 0 ? (Done ? 100 : 0) : (int)Math.Min(100, Sent * 100 / Size);
}
