using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- media attachments (PROTOCOL §12 "Media"; docs/adr/023) ----

    /// <summary>A pending upload and the signed link to PUT its bytes to (POST /v1/media/create-upload).</summary>
    /// <param name="request">Owner, file name, content type, size and optionally its SHA-256 and how long the upload may stay unfinished.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MediaCreateUploadResponse> CreateMediaUploadAsync(MediaCreateUploadRequest request, CancellationToken ct = default) =>
        ContractJson.Read<MediaCreateUploadResponse>(await PostAsync("v1/media/create-upload",
            JsonSerializer.SerializeToNode(request, AxpJson.Info<MediaCreateUploadRequest>()), ct));

    /// <summary>
    /// Sends a file's bytes to an upload's upload_url (PUT, the link's token is the permission). A seekable stream is
    /// sent again after a transient failure (the node keeps one PUT's bytes whole or none); another is sent once.
    /// </summary>
    /// <param name="uploadUrl">The upload_url of <see cref="CreateMediaUploadAsync"/>.</param>
    /// <param name="content">The bytes, from the current position.</param>
    /// <param name="contentType">The file's content type, or null.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MediaUploadReceived> UploadMediaAsync(string uploadUrl, Stream content, string? contentType = null, CancellationToken ct = default)
    {
        var start = content.CanSeek ? content.Position : 0;
        using var response = await SendWithRetriesAsync(() =>
        {
            if (content.CanSeek) content.Position = start;
            var body = new StreamContent(new NonDisposing(content));
            if (contentType is not null) body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return new HttpRequestMessage(HttpMethod.Put, new Uri(_base, uploadUrl)) { Content = body };
        }, HttpCompletionOption.ResponseContentRead, retryable: content.CanSeek, ct);
        return ContractJson.Read<MediaUploadReceived>(JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject());
    }

    /// <summary>Makes an upload ready once the node received the stated size and SHA-256 (POST /v1/media/finalize-upload).</summary>
    /// <param name="uploadId">The upload.</param>
    /// <param name="sizeBytes">The size sent.</param>
    /// <param name="sha256">The SHA-256 (hex) of the bytes sent, or null to check only the one declared at create, if any.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MediaFinalizeUploadResponse> FinalizeMediaUploadAsync(Guid uploadId, long sizeBytes, string? sha256 = null, CancellationToken ct = default) =>
        ContractJson.Read<MediaFinalizeUploadResponse>(await PostAsync("v1/media/finalize-upload",
            new JsonObject { ["upload_id"] = uploadId.ToString(), ["size_bytes"] = sizeBytes, ["sha256"] = sha256 }, ct));

    /// <summary>
    /// Create, PUT and finalize in one call: the file becomes a ready upload whose id an intent's payload or a task's
    /// evidence can name as <c>{"upload_id": …}</c>. The stream must be seekable (its SHA-256 is computed first).
    /// </summary>
    /// <param name="content">The file's bytes (seekable), from the current position to the end.</param>
    /// <param name="filename">Its name.</param>
    /// <param name="mimeType">Its content type.</param>
    /// <param name="ownerAgent">The agent it belongs to (a bare name lies in the key's workspace), or null for the key's own agent.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MediaUpload> UploadFileAsync(Stream content, string filename, string mimeType, string? ownerAgent = null, CancellationToken ct = default)
    {
        if (!content.CanSeek) throw new ArgumentException("the stream must be seekable: its SHA-256 is sent before its bytes", nameof(content));
        var start = content.Position;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, ct));
        var size = content.Position - start;
        content.Position = start;
        // An empty owner counts as absent (PROTOCOL §0.3): the node takes the client's x-owner-agent, else its key's agent.
        var created = await CreateMediaUploadAsync(new MediaCreateUploadRequest
            { OwnerAgent = ownerAgent ?? "", Filename = filename, MimeType = mimeType, SizeBytes = size, Sha256 = sha }, ct);
        await UploadMediaAsync(created.UploadUrl, content, mimeType, ct);
        await FinalizeMediaUploadAsync(created.UploadId, size, sha, ct);
        return (await GetMediaAsync(created.UploadId, ct)).Upload;
    }

    /// <summary>An upload, with signed download and preview links (1 hour) once ready (GET /v1/media/{id}).</summary>
    /// <param name="uploadId">The upload.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MediaGetResponse> GetMediaAsync(Guid uploadId, CancellationToken ct = default) =>
        ContractJson.Read<MediaGetResponse>(await GetAsync($"v1/media/{uploadId}", ct));

    /// <summary>Copies a ready upload's bytes to a stream (GET /v1/media/download/{id} with the client's key).</summary>
    /// <param name="uploadId">The upload.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task DownloadMediaAsync(Guid uploadId, Stream destination, CancellationToken ct = default)
    {
        using var response = await SendWithRetriesAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(_base, $"v1/media/download/{uploadId}")),
            HttpCompletionOption.ResponseHeadersRead, retryable: true, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(destination, ct);
    }

    /// <summary>Deletes an upload and its bytes (DELETE /v1/media/{id}).</summary>
    /// <param name="uploadId">The upload.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<MediaDeleted> DeleteMediaAsync(Guid uploadId, CancellationToken ct = default) =>
        ContractJson.Read<MediaDeleted>(await SendAsync(HttpMethod.Delete, $"v1/media/{uploadId}", null, null, ct));

    /// <summary>A stream the request may dispose without closing the caller's (a retry sends it again).</summary>
    private sealed class NonDisposing(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { } // the caller's stream stays open
    }
}
